package dev.switchboard.ratelimit;

import dev.switchboard.errors.ErrorClass;
import dev.switchboard.errors.GatewayError;

/** The 429s of the rate-limit stage: OpenAI's {@code rate_limit_error}, saying which limit and when to retry. */
final class Denials {

  static final String TYPE = "rate_limit_error";

  private Denials() {
  }

  /** Whole seconds to wait, rounded up, at least 1 (what {@code Retry-After} carries). */
  static long seconds(long ms) {
    return Math.max(1, (ms + 999) / 1000);
  }

  static GatewayError of(Decision decision) {
    Scope scope = decision.denied();
    Scope.Limit limit = decision.deniedLimit();
    long value = scope.limit(limit);
    String what = switch (limit) {
      case RPM -> value + " requests per minute";
      case TPM -> value + " tokens per minute";
      case PARALLEL -> value + " requests in flight at once";
    };
    String when = limit == Scope.Limit.PARALLEL
        ? "Retry when one of its requests has finished (after about " + seconds(decision.retryAfterMs()) + " s)."
        : "The next slot opens in " + seconds(decision.retryAfterMs()) + " s.";
    return error("Rate limit reached for " + scope.holder() + ": " + scope.settingName(limit) + " is " + what
        + ". " + when, scope.settingName(limit), decision.retryAfterMs());
  }

  static GatewayError proxyParallel(int limit) {
    return error("This gateway is at its limit of " + limit + " requests in flight at once "
        + "(general_settings.max_parallel_requests / global_max_parallel_requests). Retry in a moment.",
        "global_max_parallel_requests", Windows.PARALLEL_RETRY_MS);
  }

  static GatewayError queueFull(String model, int waiting, long retryMs) {
    return error("Every deployment of model '" + model + "' is at its rpm, tpm or max_parallel_requests limit, and "
        + "this caller already has " + waiting + " requests waiting for it (router_settings.queue_max_length). "
        + "Retry after " + seconds(retryMs) + " s.", "queue_max_length", retryMs);
  }

  static GatewayError queueTimeout(String model, long waitedMs, long retryMs) {
    return error("Waited " + seconds(waitedMs) + " s (router_settings.queue_timeout) for model '" + model
        + "', whose deployments are all at their rpm, tpm or max_parallel_requests limits. Retry after "
        + seconds(retryMs) + " s.", "queue_timeout", retryMs);
  }

  private static GatewayError error(String message, String param, long retryAfterMs) {
    return GatewayError.of(ErrorClass.RATE_LIMIT, "rate_limit_exceeded", message).withParam(param).withRetryAfter(Long.toString(seconds(retryAfterMs)));
  }
}
