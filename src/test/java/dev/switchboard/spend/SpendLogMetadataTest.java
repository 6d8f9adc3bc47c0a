package dev.switchboard.spend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** What a spend row's api_base and metadata may hold: never a credential, never an unbounded client object. */
class SpendLogMetadataTest {

  @Test
  void api_base_keeps_scheme_host_port_and_path_only() {
    assertEquals("https://example.openai.azure.com/openai",
        SpendLogMetadata.clean("https://user:secret@example.openai.azure.com/openai?api-key=sk-live#frag"));
    assertEquals("http://127.0.0.1:8080/v1", SpendLogMetadata.clean("http://127.0.0.1:8080/v1"));
    assertNull(SpendLogMetadata.clean("not a url with spaces"));
    assertNull(SpendLogMetadata.clean(null));
  }

  @Test
  void client_metadata_is_kept_up_to_its_bound_and_marked_when_cut() {
    JsonObject small = new JsonObject().put("trace", "abc").put("n", 3);
    assertEquals(small, SpendLogMetadata.bounded(small));
    JsonObject big = new JsonObject().put("first", "x").put("huge", "y".repeat(SpendLogMetadata.MAX_CLIENT_METADATA_CHARS))
        .put("after", "z");
    JsonObject kept = SpendLogMetadata.bounded(big);
    assertEquals("x", kept.getString("first"));
    assertFalse(kept.containsKey("huge"));
    assertFalse(kept.containsKey("after"), "fields are kept in order, up to the first that does not fit");
    assertTrue(kept.getBoolean("switchboard_truncated"));
    assertTrue(kept.encode().length() <= SpendLogMetadata.MAX_CLIENT_METADATA_CHARS);
  }

  @Test
  void jsonb_text_never_carries_the_nul_escape() {
    String text = SpendSql.jsonb(new JsonObject().put("note", "a\u0000b"));
    assertFalse(text.contains("\\u0000"), text);
    assertEquals("a\uFFFDb", new JsonObject(text).getString("note"));
  }
}
