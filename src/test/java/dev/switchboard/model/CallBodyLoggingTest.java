package dev.switchboard.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** What a released body keeps for the logging callbacks: only when asked, only what an event reads, bounded. */
class CallBodyLoggingTest {

  private static JsonObject body(String text) {
    return new JsonObject().put("model", "chat").put("stream", true).put("temperature", 0.2)
        .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", text)))
        .put("metadata", new JsonObject().put("big", "x".repeat(10_000))).put("api_key", "sk-not-for-logs-123456");
  }

  @Test
  void a_released_body_keeps_nothing_unless_logging_asked() {
    CallBody call = new CallBody(body("hello"));
    call.release();
    assertTrue(call.released());
    assertNull(call.loggedRequest());
  }

  @Test
  void asked_it_keeps_the_prompt_and_parameters_not_metadata_or_keys() {
    JsonObject json = body("hello harbour");
    CallBody call = new CallBody(json);
    call.keepForLogging(64 * 1024);
    assertSame(json, call.loggedRequest(), "before release the body itself is read");
    call.release();
    JsonObject kept = call.loggedRequest();
    assertSame(json.getJsonArray("messages"), kept.getJsonArray("messages"), "shared, not copied");
    assertEquals(0.2, kept.getDouble("temperature"));
    assertFalse(kept.containsKey("metadata"));
    assertFalse(kept.containsKey("api_key"));
  }

  @Test
  void a_prompt_over_the_bound_is_not_kept() {
    CallBody call = new CallBody(body("y".repeat(50_000)));
    call.keepForLogging(1024);
    call.release();
    JsonObject kept = call.loggedRequest();
    assertTrue(kept.getValue("messages") instanceof String, kept.encode());
    assertFalse(kept.encode().contains("yyyy"));
    assertEquals(0.2, kept.getDouble("temperature"));
  }
}
