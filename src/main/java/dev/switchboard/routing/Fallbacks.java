package dev.switchboard.routing;

import dev.switchboard.config.RoutingSettings;
import dev.switchboard.errors.ErrorClass;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Which model groups a failed request moves on to, by LiteLLM's rules. */
final class Fallbacks {

  private Fallbacks() {
  }

  /**
   * A context window error goes to {@code context_window_fallbacks}, a content policy refusal to
   * {@code content_policy_fallbacks}, when they name the group; anything else (and those, when
   * they do not) to the request's own {@code fallbacks}, else the group's {@code fallbacks} (or
   * those of {@code *}), else {@code default_fallbacks}. At most {@code max_fallbacks}.
   */
  static List<String> forFailure(String group, ErrorClass errorClass, JsonObject body, RoutingSettings settings) {
    List<String> chosen = null;
    if (errorClass == ErrorClass.CONTEXT_WINDOW_EXCEEDED) {
      chosen = of(settings.contextWindowFallbacks(), group, requested(body, "context_window_fallbacks"));
    } else if (errorClass == ErrorClass.CONTENT_POLICY_VIOLATION) {
      chosen = of(settings.contentPolicyFallbacks(), group, requested(body, "content_policy_fallbacks"));
    }
    if (chosen == null || chosen.isEmpty()) {
      List<String> requested = requested(body, "fallbacks");
      chosen = requested != null ? requested : of(settings.fallbacks(), group, null);
      if (chosen == null || chosen.isEmpty()) {
        chosen = settings.defaultFallbacks();
      }
    }
    List<String> out = new ArrayList<>();
    for (String name : chosen) {
      if (!name.equals(group) && !out.contains(name) && out.size() < settings.maxFallbacks()) {
        out.add(name);
      }
    }
    return out;
  }

  private static List<String> of(Map<String, List<String>> configured, String group, List<String> requested) {
    if (requested != null) {
      return requested;
    }
    List<String> own = configured.get(group);
    return own != null ? own : configured.get("*");
  }

  /** The request's own list: model names, or {@code {"model": name}} objects; null when it has none. */
  private static List<String> requested(JsonObject body, String field) {
    if (!(body.getValue(field) instanceof JsonArray list)) {
      return null;
    }
    List<String> out = new ArrayList<>(list.size());
    for (Object item : list) {
      if (item instanceof String name) {
        out.add(name);
      } else if (item instanceof JsonObject object && object.getValue("model") instanceof String name) {
        out.add(name);
      }
    }
    return out;
  }

  /** The configured fallbacks, for the error that says none applied. */
  static String describe(String group, RoutingSettings settings, JsonObject body) {
    List<String> parts = new ArrayList<>();
    settings.fallbacks().forEach((from, to) -> parts.add("{" + from + ": " + to + "}"));
    String text = "[" + String.join(", ", parts) + "]";
    if (!settings.contextWindowFallbacks().isEmpty()) {
      text += ", context_window_fallbacks: " + settings.contextWindowFallbacks();
    }
    if (!settings.contentPolicyFallbacks().isEmpty()) {
      text += ", content_policy_fallbacks: " + settings.contentPolicyFallbacks();
    }
    if (!settings.defaultFallbacks().isEmpty()) {
      text += ", default_fallbacks: " + settings.defaultFallbacks();
    }
    if (settings.maxFallbacks() == 0) {
      text += ", max_fallbacks: 0";
    }
    return text;
  }
}
