package dev.switchboard.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.config.ConfigLoader;
import dev.switchboard.config.StartupException;
import dev.switchboard.model.Deployment;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ModelRegistryTest {

  private static ModelRegistry registry(String yaml) {
    return ModelRegistry.from(new ConfigLoader(name -> null).parse(yaml, "config.yaml"));
  }

  @Test
  void providers_get_their_default_api_base_and_lose_their_prefix() {
    ModelRegistry registry = registry("""
        model_list:
          - {model_name: a, litellm_params: {model: groq/llama-3.1-8b-instant}}
          - {model_name: b, litellm_params: {model: gpt-4o-mini}}
          - {model_name: c, litellm_params: {model: openrouter/anthropic/claude-3.5-sonnet, api_base: "http://h:1/v1/"}}
        """);
    Deployment groq = registry.group("a").deployments().get(0);
    assertEquals("llama-3.1-8b-instant", groq.upstreamModel());
    assertEquals("https://api.groq.com/openai/v1", groq.apiBase().value());
    assertEquals("openai", registry.group("b").deployments().get(0).provider().prefix());
    Deployment router = registry.group("c").deployments().get(0);
    assertEquals("anthropic/claude-3.5-sonnet", router.upstreamModel());
    assertEquals("http://h:1/v1", router.apiBase().value());
  }

  @Test
  void an_unknown_provider_prefix_disables_the_deployment_and_lists_the_known_ones() {
    ModelRegistry registry = registry("""
        model_list:
          - {model_name: a, litellm_params: {model: madeup/x}}
          - {model_name: b, litellm_params: {model: openai/gpt-4o}}
          - {model_name: b, litellm_params: {model: madeup/y}}
        router_settings: {model_group_alias: {c: a}}
        """);
    assertEquals(2, registry.disabled().size());
    DisabledDeployment a = registry.disabled("a");
    assertEquals("madeup", a.provider());
    assertEquals("model_list[0].litellm_params.model", a.setting());
    String message = a.reason();
    assertTrue(message.contains("unknown provider 'madeup'") && message.contains("openai, groq"), message);
    assertNull(registry.resolve("a"));
    assertEquals(a, registry.disabled("c"), "an alias of a disabled model says why too");
    assertEquals(1, registry.group("b").deployments().size(), "the good deployment of b serves");
    assertNull(registry.disabled("b"));
    assertEquals(List.of("b"), registry.listedNames());
  }

  @Test
  void a_bare_star_passes_the_requested_provider_and_model_through() {
    ModelRegistry registry = registry("""
        model_list:
          - {model_name: "*", litellm_params: {model: "*", api_key: sk-x}}
          - {model_name: "anthropic/*", litellm_params: {model: "anthropic/*", api_base: "http://h:2"}}
        """);
    Deployment groq = registry.resolve("groq/llama-3.1-8b").deployments().get(0);
    assertEquals("groq", groq.provider().prefix());
    assertEquals("llama-3.1-8b", groq.upstreamModel());
    assertEquals("https://api.groq.com/openai/v1", groq.apiBase().value(), "the requested provider's own address");
    assertEquals("gpt-4o", registry.resolve("gpt-4o").deployments().get(0).upstreamModel());
    Deployment claude = registry.resolve("anthropic/claude-x").deployments().get(0);
    assertEquals("http://h:2", claude.apiBase().value(), "anthropic/* is more specific than *");
    assertEquals("anthropic/*", registry.resolve("anthropic/claude-x").name());
    assertNull(registry.resolve("bogus/x"), "an unknown provider matches no pattern");
    assertEquals(List.of(), registry.listedNames());
  }

  @Test
  void every_problem_of_the_model_list_is_reported_at_once() {
    StartupException failure = assertThrows(StartupException.class, () -> registry("""
        model_list:
          - {model_name: a, litellm_params: {model: hosted_vllm/x}}
          - {model_name: b, litellm_params: {model: openai/x, weight: -1}}
          - {model_name: c, litellm_params: {model: madeup/x}}
        router_settings: {model_group_alias: {d: nowhere}}
        """));
    assertEquals(3, failure.problems().size(), failure.getMessage());
    assertTrue(failure.getMessage().contains("model_list[0].litellm_params.api_base is required"), failure.getMessage());
    assertTrue(failure.getMessage().contains("model_list[1].litellm_params.weight must not be negative"));
    assertTrue(failure.getMessage().contains("model_group_alias.d points at 'nowhere'"));
    assertFalse(failure.getMessage().contains("madeup"), "an unknown provider is not fatal");
  }

  @Test
  void hosted_vllm_needs_an_api_base() {
    String message = assertThrows(StartupException.class,
        () -> registry("model_list:\n  - {model_name: a, litellm_params: {model: hosted_vllm/x}}\n")).getMessage();
    assertTrue(message.contains("api_base is required"), message);
  }

  @Test
  void simple_shuffle_follows_the_weights() {
    ModelRegistry registry = registry("""
        model_list:
          - {model_name: g, litellm_params: {model: openai/a, weight: 9}, model_info: {id: heavy}}
          - {model_name: g, litellm_params: {model: openai/b, weight: 1}, model_info: {id: light}}
        """);
    Map<String, Integer> counts = new HashMap<>();
    for (int i = 0; i < 20_000; i++) {
      counts.merge(registry.group("g").pick().id(), 1, Integer::sum);
    }
    double heavyShare = counts.get("heavy") / 20_000.0;
    assertTrue(heavyShare > 0.87 && heavyShare < 0.93, "expected about 90%, got " + heavyShare);
  }

  @Test
  void deployment_ids_are_stable_and_never_derived_from_the_key() {
    String yaml = "model_list:\n  - {model_name: a, litellm_params: {model: openai/x, api_key: sk-one}}\n";
    String other = "model_list:\n  - {model_name: a, litellm_params: {model: openai/x, api_key: sk-two}}\n";
    assertEquals(registry(yaml).group("a").deployments().get(0).id(), registry(other).group("a").deployments().get(0).id());
  }
}
