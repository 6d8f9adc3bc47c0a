package dev.switchboard.ingress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.errors.GatewayError;
import dev.switchboard.model.Operation;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

/** A body that is not a JSON object gets a 400 that says what and where, in words a client understands. */
class InvalidJsonTest {

  private static String refusal(String body) {
    GatewayError error = assertThrows(GatewayError.class, () -> ModelRequest.parse(Operation.CHAT, Buffer.buffer(body)));
    assertEquals(400, error.status());
    String message = error.getMessage();
    for (String internal : new String[] {"StreamReadFeature", "Source", "REDACTED", "java.", "Failed to decode"}) {
      assertFalse(message.contains(internal), "no Jackson or Java internals: " + message);
    }
    return message;
  }

  @Test
  void a_truncated_body_says_where_the_input_ended() {
    String message = refusal("{\"model\": \"chat\", \"messages\": [");
    assertTrue(message.contains("end-of-input"), message);
    assertTrue(message.contains("(line 1, column 32)"), message);
  }

  @Test
  void an_unquoted_field_name_says_the_line_and_column() {
    String message = refusal("{\n  model: \"chat\"}");
    assertTrue(message.contains("(line 2, column 3)"), message);
  }

  @Test
  void json_that_is_not_an_object_says_so() {
    assertTrue(refusal("[1, 2]").contains("must be a JSON object"));
    assertTrue(refusal(" \"text\"").contains("must be a JSON object"));
  }
}
