package dev.switchboard.ratelimit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.config.ConfigLoader;
import dev.switchboard.model.CallBody;
import dev.switchboard.model.Principal;
import dev.switchboard.model.Usage;
import dev.switchboard.model.VirtualKey;
import dev.switchboard.routing.ModelRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The Limits stage alone, on its own clock: a key's rpm and parallel bounds, and what a release gives back. */
class KeyRateLimitUnitTest {

  private final Vertx vertx = Vertx.vertx();
  private final AtomicLong now = new AtomicLong(1_000_000_000_000L);
  private final RateLimiter limiter = new RateLimiter(vertx, ModelRegistry.from(new ConfigLoader(name -> null).parse(
      "model_list:\n  - {model_name: chat, litellm_params: {model: openai/chat, api_base: 'http://127.0.0.1:1/v1'}}\n",
      "limits.yaml")).deployments(), now::get, 0, null, 100, 60_000);

  @AfterEach
  void close() {
    vertx.close();
  }

  private static Principal key(Integer rpm, Integer parallel) {
    return new Principal("limited", false, new VirtualKey("cd".repeat(32), "sk-...0002", "limited", List.of(), null,
        null, null, false, null, null, rpm, null, parallel, new JsonObject(), new JsonObject(), new JsonObject(),
        List.of(), 0, null, null, null, false, null, null, new JsonObject(), new JsonObject(), null, null, null), null);
  }

  private Permit acquire(Principal caller) {
    CallBody body = new CallBody(new JsonObject().put("model", "chat").put("messages", new JsonArray()
        .add(new JsonObject().put("role", "user").put("content", "hi"))));
    return limiter.acquire(new Acquire(caller, "chat", body)).result();
  }

  @Test
  void a_keys_rpm_refuses_the_next_request_until_its_minute_is_over() {
    Principal caller = key(2, null);
    assertTrue(acquire(caller).granted());
    assertTrue(acquire(caller).granted());
    Permit third = acquire(caller);
    assertFalse(third.granted());
    assertEquals(429, third.denial().status());
    assertEquals("0", third.headers().get("x-ratelimit-remaining-requests"), third.headers().toString());
    now.addAndGet(61_000);
    assertTrue(acquire(caller).granted(), "a new minute, a new allowance");
  }

  @Test
  void a_parallel_bound_is_freed_by_the_release() {
    Principal caller = key(null, 1);
    Permit first = acquire(caller);
    assertTrue(first.granted());
    assertFalse(acquire(caller).granted(), "one at a time");
    limiter.release(new Release(first, null, Usage.NONE));
    assertTrue(acquire(caller).granted(), "the release gave the slot back");
  }
}
