package dev.switchboard.config;

/**
 * {@code router_settings.circuit_breaker}: when a deployment's circuit opens and how it is probed.
 * It opens when at least {@code failureRatePercent} of the attempts counted in the last
 * {@code windowSeconds} failed and there were at least {@code minimumRequests} of them (the rule
 * of resilience4j and Hystrix); it stays open {@code resetSeconds}, then lets one probe through.
 * While every deployment of a group is unavailable and no fallback is configured (panic mode),
 * one probe per deployment goes through every {@code probeIntervalSeconds}.
 */
public record CircuitBreakerSettings(double failureRatePercent, int minimumRequests, double windowSeconds,
    double resetSeconds, double probeIntervalSeconds) {

  public static final double DEFAULT_FAILURE_RATE_PERCENT = 50;
  public static final int DEFAULT_MINIMUM_REQUESTS = 20;
  public static final double DEFAULT_WINDOW_SECONDS = 30;
  public static final double DEFAULT_RESET_SECONDS = 30;
  public static final double DEFAULT_PROBE_INTERVAL_SECONDS = 1;

  public static CircuitBreakerSettings defaults() {
    return new CircuitBreakerSettings(DEFAULT_FAILURE_RATE_PERCENT, DEFAULT_MINIMUM_REQUESTS, DEFAULT_WINDOW_SECONDS,
        DEFAULT_RESET_SECONDS, DEFAULT_PROBE_INTERVAL_SECONDS);
  }

  /** Reads the section; {@code failure_threshold}, the older key, is the minimum volume when {@code minimum_requests} is absent. */
  static CircuitBreakerSettings read(YamlSection breaker) {
    CircuitBreakerSettings d = defaults();
    Double rate = breaker.number("failure_rate_threshold");
    if (rate != null && (rate <= 0 || rate > 100)) {
      throw new StartupException(breaker.path("failure_rate_threshold") + " is a percentage: more than 0, at most 100; got "
          + rate);
    }
    Integer minimum = atLeastOne(breaker, "minimum_requests");
    Integer callsAlias = atLeastOne(breaker, "minimum_number_of_calls");
    Integer threshold = atLeastOne(breaker, "failure_threshold");
    Integer volume = minimum != null ? minimum : callsAlias != null ? callsAlias : threshold;
    Double window = positive(breaker, "failure_window");
    Double reset = positive(breaker, "reset_timeout");
    Double probe = positive(breaker, "probe_interval");
    java.util.List<String> unknown = breaker.unread();
    if (!unknown.isEmpty()) {
      throw new StartupException(String.join(", ", unknown) + ": not a circuit_breaker setting (failure_rate_threshold, "
          + "minimum_requests, failure_window, reset_timeout, probe_interval; failure_threshold and "
          + "minimum_number_of_calls are read as minimum_requests)");
    }
    return new CircuitBreakerSettings(rate == null ? d.failureRatePercent() : rate,
        volume == null ? d.minimumRequests() : volume, window == null ? d.windowSeconds() : window,
        reset == null ? d.resetSeconds() : reset, probe == null ? d.probeIntervalSeconds() : probe);
  }

  private static Integer atLeastOne(YamlSection section, String key) {
    Integer value = section.integer(key);
    if (value != null && value < 1) {
      throw new StartupException(section.path(key) + " must be at least 1, got " + value);
    }
    return value;
  }

  private static Double positive(YamlSection section, String key) {
    Double value = section.number(key);
    if (value != null && value <= 0) {
      throw new StartupException(section.path(key) + " must be greater than 0, got " + value);
    }
    return value;
  }
}
