package dev.switchboard.config;

/**
 * The implemented part of {@code router_settings}.
 *
 * @param redis               where rate-limit counters are shared across gateways, or null to keep them in memory
 * @param queueMaxLength      how many requests one tenant may have waiting for a saturated model group
 * @param queueTimeoutSeconds how long a request waits for a saturated model group before a 429
 * @param routing             strategy, retries, cooldowns, breakers, fallbacks, timeouts, health checks
 */
public record RouterSettings(String routingStrategy, RedisSettings redis, int queueMaxLength, double queueTimeoutSeconds,
    RoutingSettings routing) {

  public static final String SIMPLE_SHUFFLE = "simple-shuffle";
  public static final int DEFAULT_QUEUE_MAX_LENGTH = 1000;
  public static final double DEFAULT_QUEUE_TIMEOUT_SECONDS = 60;

  public static RouterSettings defaults() {
    return new RouterSettings(SIMPLE_SHUFFLE, null, DEFAULT_QUEUE_MAX_LENGTH, DEFAULT_QUEUE_TIMEOUT_SECONDS,
        RoutingSettings.defaults());
  }
}
