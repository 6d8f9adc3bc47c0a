package dev.switchboard.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads {@link RoutingSettings}. LiteLLM accepts several of these keys in {@code router_settings}
 * and in {@code litellm_settings}; {@code router_settings} wins when both are set.
 */
final class RoutingSettingsReader {

  private RoutingSettingsReader() {
  }

  static RoutingSettings read(YamlSection router, YamlSection litellm, YamlSection general) {
    RoutingSettings d = RoutingSettings.defaults();
    String strategy = router.string("routing_strategy");
    if (strategy != null && !RoutingSettings.STRATEGIES.contains(strategy)) {
      throw new StartupException(router.path("routing_strategy") + " must be one of "
          + String.join(", ", RoutingSettings.STRATEGIES) + "; got '" + strategy + "'");
    }
    Integer retries = atLeast(router, "num_retries", 0, atLeast(litellm, "num_retries", 0, null));
    Integer allowedFails = atLeast(router, "allowed_fails", 0, atLeast(litellm, "allowed_fails", 0, null));
    Double cooldown = positive(router, "cooldown_time", positive(litellm, "cooldown_time", null));
    Boolean disableCooldowns = router.bool("disable_cooldowns", litellm.bool("disable_cooldowns", null));
    Map<String, List<String>> fallbacks = groupMap(router, "fallbacks", groupMap(litellm, "fallbacks", Map.of()));
    Map<String, List<String>> contextFallbacks = groupMap(router, "context_window_fallbacks",
        groupMap(litellm, "context_window_fallbacks", Map.of()));
    Map<String, List<String>> policyFallbacks = groupMap(router, "content_policy_fallbacks",
        groupMap(litellm, "content_policy_fallbacks", Map.of()));
    List<String> defaults = router.has("default_fallbacks") ? router.stringList("default_fallbacks")
        : litellm.stringList("default_fallbacks");
    router.raw("default_fallbacks");
    Integer maxFallbacks = atLeast(router, "max_fallbacks", 0, atLeast(litellm, "max_fallbacks", 0, null));
    Map<String, String> aliases = new LinkedHashMap<>();
    Set<String> hidden = new LinkedHashSet<>();
    aliases(router, aliases, hidden);
    CircuitBreakerSettings breaker = CircuitBreakerSettings.read(router.section("circuit_breaker"));
    Double cap = positive(router, "max_retry_after", null);
    Double total = positive(router, "timeout", null);
    Double streamTimeout = positive(router, "stream_timeout", null);
    Double interval = positive(general, "health_check_interval", null);
    return new RoutingSettings(
        strategy == null ? d.strategy() : strategy,
        retries == null ? d.numRetries() : retries,
        policy(router, "retry_policy", "Retries"),
        allowedFails == null ? d.allowedFails() : allowedFails,
        policy(router, "allowed_fails_policy", "AllowedFails"),
        cooldown == null ? d.cooldownSeconds() : cooldown,
        disableCooldowns != null && disableCooldowns,
        fallbacks, contextFallbacks, policyFallbacks, defaults,
        maxFallbacks == null ? d.maxFallbacks() : maxFallbacks,
        router.bool("enable_pre_call_checks", false),
        router.bool("enable_tag_filtering", false),
        Map.copyOf(aliases), Set.copyOf(hidden),
        breaker,
        cap == null ? d.retryAfterCapSeconds() : cap,
        total, streamTimeout,
        general.bool("background_health_checks", false),
        interval == null ? d.healthCheckIntervalSeconds() : interval,
        general.bool("enable_request_deduplication", false));
  }

  /**
   * LiteLLM's shape, a list of one-entry mappings ({@code [{"gpt-4o": ["claude"]}]}), or one
   * mapping; a single group may be given as a string.
   */
  private static Map<String, List<String>> groupMap(YamlSection section, String key, Map<String, List<String>> fallback) {
    Object raw = section.raw(key);
    if (raw == null) {
      return fallback;
    }
    List<?> entries = raw instanceof List<?> list ? list : List.of(raw);
    Map<String, List<String>> out = new LinkedHashMap<>();
    for (Object entry : entries) {
      if (!(entry instanceof Map<?, ?> map)) {
        throw new StartupException(section.path(key) + " must be a list of {model_group: [fallback groups]}, e.g. "
            + "[{\"gpt-4o\": [\"claude-sonnet\"]}]");
      }
      map.forEach((group, targets) -> {
        List<String> names = new ArrayList<>();
        if (targets instanceof List<?> list) {
          list.forEach(t -> names.add(String.valueOf(t)));
        } else if (targets != null) {
          names.add(String.valueOf(targets));
        }
        out.put(String.valueOf(group), List.copyOf(names));
      });
    }
    return Map.copyOf(out);
  }

  private static Map<String, Integer> policy(YamlSection router, String key, String suffix) {
    YamlSection policy = router.section(key);
    Map<String, Integer> out = new LinkedHashMap<>();
    for (String errorClass : RoutingSettings.ERROR_CLASSES) {
      Integer value = atLeast(policy, errorClass + suffix, 0, null);
      if (value != null) {
        out.put(errorClass, value);
      }
    }
    List<String> unknown = policy.unread();
    if (!unknown.isEmpty()) {
      throw new StartupException(String.join(", ", unknown) + ": unknown error class; " + key + " takes "
          + String.join(", ", RoutingSettings.ERROR_CLASSES.stream().map(c -> c + suffix).toList()));
    }
    return Map.copyOf(out);
  }

  /** {@code alias: group} or {@code alias: {model: group, hidden: true}}. */
  private static void aliases(YamlSection router, Map<String, String> aliases, Set<String> hidden) {
    YamlSection section = router.section("model_group_alias");
    for (String alias : section.rawKeys()) {
      Object value = section.raw(alias);
      if (value instanceof Map<?, ?>) {
        YamlSection entry = section.section(alias);
        aliases.put(alias, entry.requiredString("model"));
        if (entry.bool("hidden", false)) {
          hidden.add(alias);
        }
      } else if (value != null) {
        aliases.put(alias, String.valueOf(value));
      }
    }
  }

  private static Integer atLeast(YamlSection section, String key, int min, Integer fallback) {
    Integer value = section.integer(key);
    if (value == null) {
      return fallback;
    }
    if (value < min) {
      throw new StartupException(section.path(key) + " must be at least " + min + ", got " + value);
    }
    return value;
  }

  static Double positive(YamlSection section, String key, Double fallback) {
    Double value = section.number(key);
    if (value == null) {
      return fallback;
    }
    if (value <= 0) {
      throw new StartupException(section.path(key) + " must be greater than 0, got " + value);
    }
    return value;
  }
}
