package dev.switchboard.errors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.switchboard.errors.GatewayError.Fallback;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** Errors are made from their class: status, type and the LiteLLM class always agree. */
class GatewayErrorTest {

  @Test
  void each_class_owns_its_status_and_type() {
    for (ErrorClass errorClass : ErrorClass.values()) {
      GatewayError error = GatewayError.of(errorClass, "some_code", "message");
      assertEquals(errorClass.status(), error.status(), errorClass.name());
      assertEquals(errorClass.type(), error.type(), errorClass.name());
      assertSame(errorClass, error.errorClass(), errorClass.name());
      assertEquals(Fallback.ALLOWED, error.fallback());
    }
    assertEquals("internal_server_error", GatewayError.internal("x").type());
    assertEquals(500, GatewayError.internal("x").status());
    assertEquals("budget_exceeded", GatewayError.of(ErrorClass.BUDGET_EXCEEDED, "budget_exceeded", "m").type());
    assertEquals(ErrorClass.BAD_REQUEST, ErrorClass.BUDGET_EXCEEDED.parent());
  }

  @Test
  void a_status_of_its_own_moves_the_error_to_that_status_class() {
    GatewayError upstream = GatewayError.of(ErrorClass.BAD_REQUEST, "overloaded", "busy").withStatus(529)
        .withType("overloaded_error");
    assertEquals(529, upstream.status());
    assertEquals("overloaded_error", upstream.type());
    assertSame(ErrorClass.API_CONNECTION, upstream.errorClass());
    assertSame(ErrorClass.CONTEXT_WINDOW_EXCEEDED, GatewayError.of(ErrorClass.API_CONNECTION,
        ErrorClass.CONTEXT_LENGTH_CODE, "too long").withStatus(400).errorClass());
  }

  @Test
  void withers_keep_everything_else() {
    GatewayError error = GatewayError.of(ErrorClass.RATE_LIMIT, "rate_limit_exceeded", "slow down")
        .withParam("model").withRetryAfter("3").withFallback(Fallback.NONE).withMessage("slower");
    assertEquals(429, error.status());
    assertEquals("model", error.param());
    assertEquals("3", error.retryAfter());
    assertEquals(3000, error.retryAfterMillis());
    assertEquals(Fallback.NONE, error.fallback());
    assertEquals("slower", error.getMessage());
    assertEquals(1500, error.withRetryAfterMillis(1500).retryAfterMillis());
    assertEquals(0, error.getStackTrace().length, "an expected outcome carries no stack trace");
  }

  @Test
  void openai_shape_names_type_code_and_param() {
    JsonObject body = GatewayError.badRequest("messages", "'messages' is required.").toJson().getJsonObject("error");
    assertEquals("invalid_request_error", body.getString("type"));
    assertEquals("invalid_request", body.getString("code"));
    assertEquals("messages", body.getString("param"));
    assertEquals("'messages' is required.", body.getString("message"));
  }

  @Test
  void any_failure_becomes_a_gateway_error() {
    GatewayError mine = GatewayError.unauthorized("no key");
    assertSame(mine, GatewayError.of(mine));
    GatewayError bug = GatewayError.of(new IllegalStateException("secret detail"));
    assertEquals(500, bug.status());
    assertEquals("internal_server_error", bug.type());
    assertEquals(-1, bug.getMessage().indexOf("secret detail"), "a bug's own message stays in the log");
    assertNull(GatewayError.of(ErrorClass.NOT_FOUND, "model_not_found", "m").param());
  }
}
