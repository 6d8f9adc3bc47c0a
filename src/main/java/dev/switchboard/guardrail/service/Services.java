package dev.switchboard.guardrail.service;

import java.util.List;
import java.util.Map;

/** The guardrail types whose check is an outside service, by LiteLLM's {@code guardrail:} name. */
public final class Services {

  /** The types built here, for the start-up error that lists what is supported. */
  public static final List<String> TYPES = List.of("generic_guardrail_api", "presidio", "openai_moderation",
      "lakera_v2", "lakera", "aporia");

  private Services() {
  }

  /**
   * The service guardrail of {@code type} with its {@code litellm_params}, or null when the type is
   * not one of {@link #TYPES}.
   *
   * @throws IllegalArgumentException naming the setting that is missing or wrong
   */
  public static GuardService of(String type, Map<String, Object> params, ServiceClient client) {
    Params p = Params.of(params);
    return switch (type) {
      case "generic_guardrail_api" -> GenericGuardrailApi.of(p, client);
      case "presidio" -> Presidio.of(p, client);
      case "openai_moderation" -> OpenAiModeration.of(p, client);
      case "lakera_v2", "lakera" -> Lakera.of(p, client);
      case "aporia" -> Aporia.of(p, client);
      default -> null;
    };
  }
}
