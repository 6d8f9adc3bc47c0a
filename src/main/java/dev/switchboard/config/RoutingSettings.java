package dev.switchboard.config;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How the router keeps traffic flowing when providers fail: strategy, retries, cooldowns, circuit
 * breakers, fallbacks, timeouts, health checks and de-duplication. Read from {@code router_settings},
 * with LiteLLM's {@code litellm_settings} and {@code general_settings} spellings where it has them.
 * Durations are in seconds as LiteLLM takes them.
 *
 * @param strategy            {@code routing_strategy}, one of {@link #STRATEGIES}
 * @param numRetries          {@code num_retries}: retries per model group (default 2, as LiteLLM)
 * @param retryPolicy         {@code retry_policy}: retries per error class, e.g. {@code RateLimitErrorRetries: 3}
 * @param allowedFails        failures a deployment may have in a minute before it cools down
 * @param allowedFailsPolicy  {@code allowed_fails_policy}: the same per error class, e.g. {@code TimeoutErrorAllowedFails}
 * @param fallbacks           {@code fallbacks}: model group to the groups tried after it ({@code *}: any group)
 * @param defaultFallbacks    groups tried for any model group that has no fallbacks of its own
 * @param aliases             {@code model_group_alias}: name clients use to the model group that serves it
 * @param hiddenAliases       aliases not listed by {@code /v1/models}
 * @param breaker             {@code circuit_breaker}: when a deployment's circuit opens and how it is probed
 * @param retryAfterCapSeconds the longest {@code Retry-After} the router waits before retrying the same deployment
 * @param totalTimeoutSeconds  router-level {@code timeout}: bound on a request's retries and fallbacks together, or null
 */
public record RoutingSettings(
    String strategy,
    int numRetries,
    Map<String, Integer> retryPolicy,
    int allowedFails,
    Map<String, Integer> allowedFailsPolicy,
    double cooldownSeconds,
    boolean disableCooldowns,
    Map<String, List<String>> fallbacks,
    Map<String, List<String>> contextWindowFallbacks,
    Map<String, List<String>> contentPolicyFallbacks,
    List<String> defaultFallbacks,
    int maxFallbacks,
    boolean preCallChecks,
    boolean tagFiltering,
    Map<String, String> aliases,
    Set<String> hiddenAliases,
    CircuitBreakerSettings breaker,
    double retryAfterCapSeconds,
    Double totalTimeoutSeconds,
    Double streamTimeoutSeconds,
    boolean backgroundHealthChecks,
    double healthCheckIntervalSeconds,
    boolean requestDeduplication) {

  public static final String SIMPLE_SHUFFLE = "simple-shuffle";
  public static final List<String> STRATEGIES = List.of(SIMPLE_SHUFFLE, "least-busy", "latency-based-routing",
      "usage-based-routing", "usage-based-routing-v2", "cost-based-routing");
  public static final int DEFAULT_NUM_RETRIES = 2;
  public static final int DEFAULT_ALLOWED_FAILS = 3;
  public static final double DEFAULT_COOLDOWN_SECONDS = 5;
  public static final int DEFAULT_MAX_FALLBACKS = 5;
  public static final double DEFAULT_RETRY_AFTER_CAP_SECONDS = 5;
  public static final double DEFAULT_HEALTH_CHECK_INTERVAL_SECONDS = 300;

  /** The error classes of {@code retry_policy} and {@code allowed_fails_policy}, without their suffix. */
  public static final List<String> ERROR_CLASSES = List.of("BadRequestError", "AuthenticationError", "TimeoutError",
      "RateLimitError", "ContentPolicyViolationError", "InternalServerError", "ServiceUnavailableError",
      "NotFoundError", "ContextWindowExceededError");

  public static RoutingSettings defaults() {
    return new RoutingSettings(SIMPLE_SHUFFLE, DEFAULT_NUM_RETRIES, Map.of(), DEFAULT_ALLOWED_FAILS, Map.of(),
        DEFAULT_COOLDOWN_SECONDS, false, Map.of(), Map.of(), Map.of(), List.of(), DEFAULT_MAX_FALLBACKS, false, false,
        Map.of(), Set.of(), CircuitBreakerSettings.defaults(),
        DEFAULT_RETRY_AFTER_CAP_SECONDS, null, null, false, DEFAULT_HEALTH_CHECK_INTERVAL_SECONDS, false);
  }
}
