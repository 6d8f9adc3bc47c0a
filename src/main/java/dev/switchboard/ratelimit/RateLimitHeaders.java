package dev.switchboard.ratelimit;

import java.util.LinkedHashMap;
import java.util.Map;

/** OpenAI's {@code x-ratelimit-*} response headers for a decision. */
final class RateLimitHeaders {

  static final String LIMIT_REQUESTS = "x-ratelimit-limit-requests";
  static final String REMAINING_REQUESTS = "x-ratelimit-remaining-requests";
  static final String RESET_REQUESTS = "x-ratelimit-reset-requests";
  static final String LIMIT_TOKENS = "x-ratelimit-limit-tokens";
  static final String REMAINING_TOKENS = "x-ratelimit-remaining-tokens";
  static final String RESET_TOKENS = "x-ratelimit-reset-tokens";
  static final String RETRY_AFTER_MS = "retry-after-ms";

  private RateLimitHeaders() {
  }

  /** Only the limits that apply: no rpm limit, no request headers. */
  static Map<String, String> of(Decision decision, long nowMs) {
    if (decision.requestLimit() == 0 && decision.tokenLimit() == 0) {
      return Map.of();
    }
    String reset = duration(Windows.untilEnd(nowMs));
    Map<String, String> headers = new LinkedHashMap<>(8);
    if (decision.requestLimit() > 0) {
      headers.put(LIMIT_REQUESTS, Long.toString(decision.requestLimit()));
      headers.put(REMAINING_REQUESTS, Long.toString(decision.requestsRemaining()));
      headers.put(RESET_REQUESTS, reset);
    }
    if (decision.tokenLimit() > 0) {
      headers.put(LIMIT_TOKENS, Long.toString(decision.tokenLimit()));
      headers.put(REMAINING_TOKENS, Long.toString(decision.tokensRemaining()));
      headers.put(RESET_TOKENS, reset);
    }
    return headers;
  }

  /** For a 429: the limit that was hit with nothing remaining, and the wait in milliseconds. */
  static Map<String, String> denied(Decision decision) {
    Map<String, String> headers = new LinkedHashMap<>(4);
    long limit = decision.denied().limit(decision.deniedLimit());
    String reset = duration(decision.retryAfterMs());
    switch (decision.deniedLimit()) {
      case RPM -> {
        headers.put(LIMIT_REQUESTS, Long.toString(limit));
        headers.put(REMAINING_REQUESTS, "0");
        headers.put(RESET_REQUESTS, reset);
      }
      case TPM -> {
        headers.put(LIMIT_TOKENS, Long.toString(limit));
        headers.put(REMAINING_TOKENS, "0");
        headers.put(RESET_TOKENS, reset);
      }
      case PARALLEL -> { }
    }
    headers.put(RETRY_AFTER_MS, Long.toString(decision.retryAfterMs()));
    return headers;
  }

  /** OpenAI's duration format, e.g. {@code 37s}, rounded up to whole seconds. */
  static String duration(long ms) {
    return Denials.seconds(ms) + "s";
  }
}
