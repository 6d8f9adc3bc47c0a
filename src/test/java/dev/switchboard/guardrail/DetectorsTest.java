package dev.switchboard.guardrail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The prebuilt entities find the real thing and leave look-alikes alone. */
class DetectorsTest {

  private static String masked(String text, String... entities) {
    ContentFilter filter = ContentFilter.of(Map.of("entities", List.of(entities)), List.of(), Action.MASK);
    Texts texts = Texts.of(text);
    filter.check(texts);
    return texts.get(0);
  }

  @Test
  void cards_need_a_valid_luhn_check_digit() {
    assertTrue(Detectors.luhn("4111 1111 1111 1111"));
    assertFalse(Detectors.luhn("4111 1111 1111 1112"));
    assertEquals("pay [CREDIT_CARD_REDACTED] now", masked("pay 4111-1111-1111-1111 now", "credit_card"));
    assertEquals("order 1234 5678 9012 3456", masked("order 1234 5678 9012 3456", "credit_card"));
  }

  @Test
  void ibans_need_a_valid_mod_97_check() {
    assertTrue(Detectors.iban("DE89 3704 0044 0532 0130 00"));
    assertTrue(Detectors.iban("GB82WEST12345698765432"));
    assertFalse(Detectors.iban("DE88 3704 0044 0532 0130 00"));
    assertEquals("to [IBAN_REDACTED].", masked("to GB82WEST12345698765432.", "iban"));
  }

  @Test
  void api_keys_by_prefix_and_unknown_tokens_by_entropy() {
    assertEquals("key [API_KEY_REDACTED]", masked("key AKIAIOSFODNN7EXAMPLE", "api_key"));
    assertEquals("token [API_KEY_REDACTED]", masked("token ghp_abcdefghijklmnopqrstuvwxyz0123456789", "api_key"));
    assertEquals("t=[SECRET_TOKEN_REDACTED]", masked("t=q8Xv2LmZ9pRt4WnY7bKc3HsJ6dFg1QeA", "secret_token"));
    String words = "internationalizationcharacteristically";
    assertEquals(words, masked(words, "secret_token"), "a long word is not a secret");
  }

  @Test
  void emails_and_phone_numbers() {
    assertEquals("[EMAIL_REDACTED] or [PHONE_REDACTED]", masked("a.b+c@mail.example.org or +1 415-555-0132", "email", "phone"));
    assertEquals("version 1.2.3", masked("version 1.2.3", "phone"));
  }

  @Test
  void blocked_words_match_whole_words_only() {
    ContentFilter filter = ContentFilter.of(Map.of("blocked_words", List.of(Map.of("keyword", "blue", "action", "BLOCK"))),
        List.of(), Action.MASK);
    assertTrue(filter.check(Texts.of("hi BLUE sky")).isBlocked());
    assertFalse(filter.check(Texts.of("blueberry")).isBlocked());
  }

  @Test
  void request_texts_include_responses_input_items_and_anthropic_system_blocks() {
    JsonObject body = new JsonObject()
        .put("system", new JsonArray().add(new JsonObject().put("type", "text").put("text", "sys a@b.example")))
        .put("input", new JsonArray().add(new JsonObject().put("role", "user").put("content", new JsonArray()
            .add(new JsonObject().put("type", "input_text").put("text", "mail c@d.example")))));
    ContentFilter.of(Map.of("entities", List.of("email")), List.of(), Action.MASK).check(Texts.ofRequest(body));
    assertEquals("sys [EMAIL_REDACTED]", body.getJsonArray("system").getJsonObject(0).getString("text"));
    assertEquals("mail [EMAIL_REDACTED]", body.getJsonArray("input").getJsonObject(0).getJsonArray("content")
        .getJsonObject(0).getString("text"));
  }
}
