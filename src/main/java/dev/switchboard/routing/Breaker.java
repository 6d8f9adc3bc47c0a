package dev.switchboard.routing;

/**
 * One deployment's circuit breaker, as resilience4j and Hystrix decide: it opens when, over a
 * sliding time window, at least {@code minimumCalls} attempts were counted and at least
 * {@code failureRate} of them failed. Open, it refuses calls; after {@code resetMs} it lets one
 * probe through (half-open), whose success closes it and whose failure opens it again. While the
 * whole group is down and nothing else can serve it (panic mode), probes come every
 * {@code probeIntervalMs} instead. Only the attempts the router counts reach it: a cancelled
 * attempt is neither a success nor a failure. Thread-safe.
 */
final class Breaker {

  enum State { CLOSED, OPEN, HALF_OPEN }

  /** What a call may do: go through normally, go through as the one probe, or not go. */
  enum Permit { PASS, PROBE, REFUSED }

  /**
   * The rule and its timings.
   *
   * @param failureRate     share of failed attempts (0-1] that opens the circuit
   * @param minimumCalls    attempts the window must hold before the rate counts
   */
  record Rule(double failureRate, int minimumCalls, long windowMs, long resetMs, long probeIntervalMs) {
  }

  /** Told every change of state, with why (called holding the breaker's lock: keep it short). */
  interface Listener {
    void changed(State state, String why);
  }

  private static final int BUCKETS = 10;

  private final Rule rule;
  private final Listener listener;
  private final long bucketMs;
  private final long[] bucketIds = new long[BUCKETS];
  private final int[] calls = new int[BUCKETS];
  private final int[] failures = new int[BUCKETS];
  /** Volatile so that the common case, a closed circuit, is read on every pick without taking the lock. */
  private volatile State state = State.CLOSED;
  private long openedAtMs;
  private boolean probing;
  private long probeStartedAtMs;

  Breaker(Rule rule, Listener listener) {
    this.rule = rule;
    this.listener = listener;
    this.bucketMs = Math.max(1, rule.windowMs() / BUCKETS);
    java.util.Arrays.fill(bucketIds, -1);
  }

  Rule rule() {
    return rule;
  }

  synchronized State state(long nowMs) {
    refresh(nowMs);
    return state;
  }

  /** Whether a pick may choose this deployment now: closed, or half-open with its probe not yet taken. */
  boolean admits(long nowMs) {
    return state == State.CLOSED || admitsSlowly(nowMs);
  }

  private synchronized boolean admitsSlowly(long nowMs) {
    refresh(nowMs);
    return state == State.CLOSED || (state == State.HALF_OPEN && !probing);
  }

  /** Takes the permission for one call (a call let through just before the circuit opened is not counted after). */
  Permit acquire(long nowMs) {
    return state == State.CLOSED ? Permit.PASS : acquireSlowly(nowMs);
  }

  private synchronized Permit acquireSlowly(long nowMs) {
    refresh(nowMs);
    if (state == State.CLOSED) {
      return Permit.PASS;
    }
    if (state == State.HALF_OPEN && !probing) {
      probing = true;
      probeStartedAtMs = nowMs;
      return Permit.PROBE;
    }
    return Permit.REFUSED;
  }

  /** The provider's verdict on a call made with {@code permit}. */
  synchronized void record(Permit permit, long nowMs, boolean failed) {
    if (permit == Permit.PROBE) {
      probing = false;
      if (failed) {
        open(nowMs, "its probe failed");
      } else {
        close("its probe succeeded");
      }
      return;
    }
    if (permit != Permit.PASS || state != State.CLOSED) {
      return; // a call that started before the circuit opened: the probe decides now
    }
    int bucket = bucket(nowMs);
    calls[bucket]++;
    if (failed) {
      failures[bucket]++;
      int total = windowCalls(nowMs);
      int failedCalls = windowFailures(nowMs);
      if (total >= rule.minimumCalls() && failedCalls >= rule.failureRate() * total) {
        open(nowMs, failedCalls + " of its last " + total + " attempts failed within " + rule.windowMs() / 1000.0 + " s");
      }
    }
  }

  /** A call that ended without a verdict (the client left): a probe it held goes to the next call. */
  synchronized void cancelled(Permit permit) {
    if (permit == Permit.PROBE) {
      probing = false;
    }
  }

  /**
   * Panic mode: the whole group is down and nothing else can take its traffic. An open circuit
   * turns half-open once {@code probeIntervalMs} passed since it opened (or its last probe failed),
   * without waiting for the whole reset timeout. True when this made a probe possible.
   */
  synchronized boolean hasten(long nowMs) {
    refresh(nowMs);
    if (state == State.OPEN && nowMs >= openedAtMs + rule.probeIntervalMs()) {
      half("panic mode: every deployment of its group is unavailable");
      return true;
    }
    return false;
  }

  /** When the next probe may go: now when one can, else in panic mode or not. */
  synchronized long nextProbeAtMs(long nowMs, boolean panic) {
    refresh(nowMs);
    return switch (state) {
      case CLOSED -> nowMs;
      case HALF_OPEN -> probing ? nowMs + rule.probeIntervalMs() : nowMs;
      case OPEN -> openedAtMs + (panic ? Math.min(rule.probeIntervalMs(), rule.resetMs()) : rule.resetMs());
    };
  }

  /** Opens the circuit now, whatever the window holds (an operator's or a test's doing). */
  synchronized void trip(long nowMs, String why) {
    open(nowMs, why);
  }

  /** The operator's reset: closed, window cleared, whatever the state. */
  synchronized void reset() {
    probing = false;
    close("reset");
  }

  /** Failures counted in the window (for the admin listing). */
  synchronized int failureCount(long nowMs) {
    return windowFailures(nowMs);
  }

  private void refresh(long nowMs) {
    if (state == State.OPEN && nowMs >= openedAtMs + rule.resetMs()) {
      half("reset_timeout passed");
    } else if (state == State.HALF_OPEN && probing && nowMs >= probeStartedAtMs + rule.resetMs()) {
      // A probe with no verdict after a whole reset timeout (a provider that never answers, a lost
      // outcome) must not keep the deployment out for good: the next call probes too.
      probing = false;
    }
  }

  private void open(long nowMs, String why) {
    state = State.OPEN;
    openedAtMs = nowMs;
    clear();
    listener.changed(State.OPEN, why);
  }

  private void half(String why) {
    state = State.HALF_OPEN;
    probing = false;
    listener.changed(State.HALF_OPEN, why);
  }

  private void close(String why) {
    boolean changed = state != State.CLOSED;
    state = State.CLOSED;
    clear();
    if (changed) {
      listener.changed(State.CLOSED, why);
    }
  }

  private void clear() {
    java.util.Arrays.fill(bucketIds, -1);
    java.util.Arrays.fill(calls, 0);
    java.util.Arrays.fill(failures, 0);
  }

  private int bucket(long nowMs) {
    long id = nowMs / bucketMs;
    int index = (int) (id % BUCKETS);
    if (bucketIds[index] != id) {
      bucketIds[index] = id;
      calls[index] = 0;
      failures[index] = 0;
    }
    return index;
  }

  private int windowCalls(long nowMs) {
    return sum(calls, nowMs);
  }

  private int windowFailures(long nowMs) {
    return sum(failures, nowMs);
  }

  private int sum(int[] counts, long nowMs) {
    long oldest = nowMs / bucketMs - BUCKETS + 1;
    int total = 0;
    for (int i = 0; i < BUCKETS; i++) {
      if (bucketIds[i] >= oldest) {
        total += counts[i];
      }
    }
    return total;
  }
}
