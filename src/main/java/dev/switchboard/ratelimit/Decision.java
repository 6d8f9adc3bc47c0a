package dev.switchboard.ratelimit;

/**
 * What the counters said about one request. Granted: the tightest request and token headroom
 * left, for the {@code x-ratelimit-*} headers (limit 0 = no such limit). Denied: which scope and
 * limit said no and when the next slot opens.
 */
record Decision(Scope denied, Scope.Limit deniedLimit, long retryAfterMs, long requestLimit, long requestsRemaining,
    long tokenLimit, long tokensRemaining) {

  static final Decision UNLIMITED = new Decision(null, null, 0, 0, 0, 0, 0);

  boolean granted() {
    return denied == null;
  }

  static Decision deny(Scope scope, Scope.Limit limit, long retryAfterMs) {
    return new Decision(scope, limit, retryAfterMs, 0, 0, 0, 0);
  }

  /** Collects the tightest headroom over a request's scopes. */
  static final class Tally {
    long requestLimit;
    long requestsRemaining = Long.MAX_VALUE;
    long tokenLimit;
    long tokensRemaining = Long.MAX_VALUE;

    void requests(long limit, long used) {
      long remaining = Math.max(0, limit - used);
      if (remaining < requestsRemaining) {
        requestsRemaining = remaining;
        requestLimit = limit;
      }
    }

    void tokens(long limit, long used) {
      long remaining = Math.max(0, limit - used);
      if (remaining < tokensRemaining) {
        tokensRemaining = remaining;
        tokenLimit = limit;
      }
    }

    Decision granted() {
      return new Decision(null, null, 0, requestLimit, requestLimit == 0 ? 0 : requestsRemaining, tokenLimit,
          tokenLimit == 0 ? 0 : tokensRemaining);
    }
  }
}
