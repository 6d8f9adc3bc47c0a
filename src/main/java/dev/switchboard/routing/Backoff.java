package dev.switchboard.routing;

import java.util.concurrent.ThreadLocalRandom;

/**
 * How long to wait before retrying the same deployment: exponential backoff with full jitter
 * (a uniform draw between 0 and {@code base * 2^retry}, capped), or the provider's
 * {@code Retry-After} / {@code retry-after-ms} when it gave one.
 */
final class Backoff {

  static final long BASE_MS = 250;
  static final long MAX_MS = 8_000;

  private Backoff() {
  }

  /** The ceiling of the jittered wait before retry number {@code retry} (0 for the first retry). */
  static long ceilingMs(int retry) {
    return Math.min(MAX_MS, BASE_MS << Math.min(retry, 20));
  }

  /**
   * @param retryAfterMs what the provider asked for, or -1
   * @param capMs        the longest Retry-After honoured (the caller does not retry past it)
   */
  static long delayMs(int retry, long retryAfterMs, long capMs) {
    if (retryAfterMs >= 0) {
      return Math.min(retryAfterMs, capMs);
    }
    return ThreadLocalRandom.current().nextLong(ceilingMs(retry) + 1);
  }
}
