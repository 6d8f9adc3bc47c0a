package dev.switchboard.guardrail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.config.ConfigLoader;
import dev.switchboard.config.GatewayConfig;
import dev.switchboard.config.GuardrailConfig;
import dev.switchboard.config.StartupException;
import dev.switchboard.errors.GatewayError;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** LiteLLM's {@code guardrails:} section: read, checked at start, and resolved per request. */
class GuardrailsConfigTest {

  private static GatewayConfig parse(String yaml) {
    return new ConfigLoader(Map.of("FILTER_WORD", "secretword")::get).parse(yaml, "config.yaml");
  }

  @Test
  void litellms_shape_is_read_with_modes_default_on_and_settings() {
    GatewayConfig config = parse("""
        guardrails:
          - guardrail_name: words
            litellm_params:
              guardrail: litellm_content_filter
              mode: [pre_call, post_call]
              default_on: true
              blocked_words: [{keyword: x, action: BLOCK}]
          - guardrail_name: env
            litellm_params: {guardrail: litellm_content_filter, blocked_words: [a], description: os.environ/FILTER_WORD}
        """);
    assertTrue(config.ignoredKeys().isEmpty(), config.ignoredKeys().toString());
    GuardrailConfig words = config.guardrails().get(0);
    assertEquals("words", words.name());
    assertEquals(List.of("pre_call", "post_call"), words.modes());
    assertTrue(words.defaultOn());
    assertEquals(List.of("pre_call"), config.guardrails().get(1).modes(), "LiteLLM's default mode");
    assertEquals("secretword", config.guardrails().get(1).params().get("description"));
  }

  @Test
  void a_bad_mode_is_a_start_up_error_naming_its_path() {
    StartupException e = assertThrows(StartupException.class, () -> parse("""
        guardrails:
          - {guardrail_name: g, litellm_params: {guardrail: litellm_content_filter, mode: before_call}}
        """));
    assertTrue(e.getMessage().contains("guardrails[0].litellm_params.mode"), e.getMessage());
  }

  @Test
  void settings_that_cannot_work_name_the_guardrail() {
    IllegalArgumentException regex = assertThrows(IllegalArgumentException.class, () -> Guardrails.of(List.of(
        new GuardrailConfig("r", "litellm_content_filter", List.of("pre_call"), false,
            Map.of("patterns", List.of(Map.of("pattern_type", "regex", "pattern", "(unclosed")))))));
    assertTrue(regex.getMessage().contains("'r'") && regex.getMessage().contains("(unclosed"), regex.getMessage());
    IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () -> Guardrails.of(List.of(
        new GuardrailConfig("u", "no_such_thing", List.of("pre_call"), false, Map.of()))));
    assertTrue(unknown.getMessage().contains("litellm_content_filter"), unknown.getMessage());
  }

  @Test
  void a_service_guardrail_not_called_yet_is_reported_and_refused_when_named() {
    Guardrails guardrails = Guardrails.of(List.of(
        new GuardrailConfig("bedrock-guard", "bedrock", List.of("pre_call"), true, Map.of())));
    assertEquals(List.of("bedrock-guard (bedrock)"), guardrails.unsupported());
    assertTrue(guardrails.select(null, null, new JsonObject()).isEmpty(), "default_on, but it cannot run");
    GatewayError refused = assertThrows(GatewayError.class, () -> guardrails.select(null, null,
        new JsonObject().put("guardrails", new JsonArray().add("bedrock-guard"))));
    assertEquals(400, refused.status());
  }

  @Test
  void a_service_guardrail_without_what_it_needs_is_a_start_up_error_naming_the_setting() {
    io.vertx.core.Vertx vertx = io.vertx.core.Vertx.vertx();
    try {
      IllegalArgumentException base = assertThrows(IllegalArgumentException.class, () -> Guardrails.of(List.of(
          new GuardrailConfig("p", "presidio", List.of("pre_call"), false,
              Map.of("presidio_analyzer_api_base", "http://127.0.0.1:1"))), vertx));
      assertTrue(base.getMessage().contains("'p'") && base.getMessage().contains("presidio_anonymizer_api_base"),
          base.getMessage());
      IllegalArgumentException fallback = assertThrows(IllegalArgumentException.class, () -> Guardrails.of(List.of(
          new GuardrailConfig("g", "generic_guardrail_api", List.of("pre_call"), false,
              Map.of("api_base", "http://127.0.0.1:1", "unreachable_fallback", "sometimes"))), vertx));
      assertTrue(fallback.getMessage().contains("unreachable_fallback"), fallback.getMessage());
      IllegalArgumentException action = assertThrows(IllegalArgumentException.class, () -> Guardrails.of(List.of(
          new GuardrailConfig("p", "presidio", List.of("pre_call"), false, Map.of("presidio_analyzer_api_base", "a",
              "presidio_anonymizer_api_base", "b", "pii_entities_config", Map.of("EMAIL_ADDRESS", "HIDE")))), vertx));
      assertTrue(action.getMessage().contains("pii_entities_config.EMAIL_ADDRESS"), action.getMessage());
      Guardrails built = Guardrails.of(List.of(new GuardrailConfig("m", "openai_moderation", List.of("pre_call"), true,
          Map.of("api_key", "sk-x"))), vertx);
      assertEquals(List.of(), built.unsupported());
      assertEquals("m", built.select(null, null, new JsonObject()).header(), "default_on, and it runs");
    } finally {
      vertx.close();
    }
  }

  @Test
  void the_request_may_name_guardrails_as_litellms_mapping_too() {
    Guardrails guardrails = Guardrails.of(List.of(new GuardrailConfig("w", "litellm_content_filter",
        List.of("pre_call"), false, Map.of("blocked_words", List.of("x")))));
    JsonObject body = new JsonObject().put("guardrails", new JsonObject().put("w", new JsonObject()));
    assertEquals("w", guardrails.select(null, null, body).header());
    assertTrue(!body.containsKey("guardrails"), "taken out of what goes upstream");
  }
}
