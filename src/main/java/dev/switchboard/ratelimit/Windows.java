package dev.switchboard.ratelimit;

/**
 * Fixed one-minute windows aligned to the clock's minutes, the same on every gateway: requests
 * and tokens per minute count in the current window, and the next slot opens when it ends.
 */
final class Windows {

  static final long WINDOW_MS = 60_000;
  /** What a denied parallel request is told to wait: no clock says when another request ends. */
  static final long PARALLEL_RETRY_MS = 1_000;

  private Windows() {
  }

  static long of(long nowMs) {
    return nowMs / WINDOW_MS;
  }

  static long untilEnd(long nowMs) {
    return (of(nowMs) + 1) * WINDOW_MS - nowMs;
  }

  static long retryAfterMs(Scope.Limit limit, long nowMs) {
    return limit == Scope.Limit.PARALLEL ? PARALLEL_RETRY_MS : untilEnd(nowMs);
  }
}
