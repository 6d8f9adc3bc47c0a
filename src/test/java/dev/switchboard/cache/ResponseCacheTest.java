package dev.switchboard.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.config.CacheSettings;
import dev.switchboard.errors.GatewayError;
import dev.switchboard.model.Operation;
import dev.switchboard.model.Principal;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The cache's rules without a gateway: keys, controls, TTL and age on a clock the test moves, bounds. */
class ResponseCacheTest {

  private final AtomicLong clock = new AtomicLong(1_000_000);

  private ResponseCache cache(double ttlSeconds, int maxEntries, int maxEntryBytes) {
    return ResponseCache.local(new CacheSettings(true, CacheSettings.LOCAL, null, null, ttlSeconds,
        CacheSettings.CACHEABLE_CALL_TYPES, false, false, maxEntries, maxEntryBytes, List.of()), clock);
  }

  private static CacheEntry get(ResponseCache cache, String key, Long maxAge) {
    return cache.lookup(key, maxAge).result();
  }

  @Test
  void an_entry_expires_at_its_ttl_on_the_injected_clock_without_sleeping() {
    ResponseCache cache = cache(600, 100, 1024);
    cache.store("a", Buffer.buffer("{\"x\":1}"), null);
    cache.store("b", Buffer.buffer("{\"x\":2}"), 5L);
    clock.addAndGet(4_999);
    assertNotNull(get(cache, "b", null), "a 5 s entry is there after 4.999 s");
    clock.addAndGet(2);
    assertNull(get(cache, "b", null), "and gone after 5 s (its own ttl)");
    assertNotNull(get(cache, "a", null), "the default ttl (600 s) still holds");
    clock.addAndGet(600_000);
    assertNull(get(cache, "a", null));
  }

  @Test
  void s_maxage_refuses_an_older_entry_that_is_still_stored() {
    ResponseCache cache = cache(600, 100, 1024);
    cache.store("k", Buffer.buffer("{}"), null);
    clock.addAndGet(30_000);
    assertNull(get(cache, "k", 10L), "30 s old, at most 10 s asked");
    assertNotNull(get(cache, "k", 60L));
    assertNotNull(get(cache, "k", null));
  }

  @Test
  void an_answer_over_max_entry_bytes_is_not_stored_and_the_count_is_bounded() {
    ResponseCache cache = cache(600, 2, 10);
    assertFalse(cache.store("big", Buffer.buffer("x".repeat(11)), null));
    assertNull(get(cache, "big", null));
    for (int i = 0; i < 50; i++) {
      cache.store("k" + i, Buffer.buffer("{}"), null);
    }
    int kept = 0;
    for (int i = 0; i < 50; i++) {
      kept += get(cache, "k" + i, null) == null ? 0 : 1;
    }
    assertTrue(kept <= 2, "max_size_in_memory 2 holds at most 2, held " + kept);
  }

  @Test
  void keys_ignore_field_order_and_bookkeeping_fields_but_not_what_changes_the_answer() {
    JsonObject one = new JsonObject("{\"model\":\"m\",\"temperature\":0.5,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
    JsonObject reordered = new JsonObject("{\"messages\":[{\"content\":\"hi\",\"role\":\"user\"}],\"temperature\":0.5,"
        + "\"user\":\"u1\",\"metadata\":{\"a\":1},\"stream\":true,\"cache\":{\"ttl\":5}}");
    String key = CacheKeys.of(null, "team:t1", Operation.CHAT, "m", one);
    assertEquals(key, CacheKeys.of(null, "team:t1", Operation.CHAT, "m", reordered));
    assertEquals(64, key.length(), "a SHA-256 in hex");
    assertNotEquals(key, CacheKeys.of(null, "team:t1", Operation.CHAT, "m", one.copy().put("temperature", 0.6)));
    assertNotEquals(key, CacheKeys.of(null, "team:t2", Operation.CHAT, "m", one), "another team's key");
    assertNotEquals(key, CacheKeys.of(null, "team:t1", Operation.CHAT, "other", one), "another model group");
    assertNotEquals(key, CacheKeys.of(null, "team:t1", Operation.COMPLETION, "m", one));
    assertEquals("ns:" + key, CacheKeys.of("ns", "team:t1", Operation.CHAT, "m", one));
    assertEquals("*", CacheKeys.scope(Principal.MASTER, true));
    assertEquals("master", CacheKeys.scope(Principal.MASTER, false));
  }

  @Test
  void controls_from_the_request_and_the_key_and_team_metadata() {
    CacheControls asked = CacheControls.of(new JsonObject().put("ttl", 30).put("s-maxage", 5).put("namespace", "n")
        .put("no-store", true));
    assertEquals(30L, asked.ttlSeconds());
    assertEquals(5L, asked.maxAgeSeconds());
    assertEquals("n", asked.namespace());
    assertTrue(asked.noStore());
    assertFalse(asked.noCache());
    JsonObject keyOff = new JsonObject().put("cache", new JsonObject().put("no-cache", true).put("use-cache", false));
    CacheControls owned = CacheControls.of(new JsonObject().put("use-cache", true), keyOff, null);
    assertTrue(owned.noCache(), "a key's no-cache holds whatever the request says");
    assertEquals(Boolean.FALSE, owned.useCache(), "a key's use-cache false opts the request out");
    GatewayError bad = org.junit.jupiter.api.Assertions.assertThrows(GatewayError.class,
        () -> CacheControls.of(new JsonObject().put("ttl", "soon")));
    assertEquals(400, bad.status());
    assertEquals(400, org.junit.jupiter.api.Assertions.assertThrows(GatewayError.class, () -> CacheControls.of("yes")).status());
  }

  @Test
  void a_disabled_cache_answers_nothing() {
    ResponseCache off = new ResponseCache(CacheSettings.OFF, null, clock::get);
    assertFalse(off.enabled());
    assertTrue(off.ping().failed());
    assertEquals(Set.of("acompletion", "atext_completion", "aembedding", "anthropic_messages", "aresponses"),
        CacheSettings.OFF.callTypes());
  }
}
