package dev.switchboard.ratelimit;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Requests, tokens and in-flight counts per scope in this JVM, shared by every event loop (so a
 * limit is never split across loops). Each scope's counter is checked and updated under its own
 * lock; a request that passes some scopes and fails a later one gives back what it took.
 * Thread-safe; one per gateway (and one more for deployments).
 */
final class LocalCounters {

  private static final long SWEEP_EVERY_MS = Windows.WINDOW_MS;

  private final Map<String, Counter> counters = new ConcurrentHashMap<>();
  private final AtomicLong lastSweep = new AtomicLong();

  /** Counts one request of {@code tokens} (estimated) against every scope, or none when one says no. */
  Decision acquire(List<Scope> scopes, long nowMs, long tokens) {
    long window = Windows.of(nowMs);
    sweepNowAndThen(nowMs, window);
    Decision.Tally tally = new Decision.Tally();
    for (int i = 0; i < scopes.size(); i++) {
      Scope scope = scopes.get(i);
      Scope.Limit refused = counter(scope).tryAcquire(scope, window, tokens, tally);
      if (refused != null) {
        for (int j = 0; j < i; j++) {
          counter(scopes.get(j)).undo(scopes.get(j), window, tokens);
        }
        return Decision.deny(scope, refused, Windows.retryAfterMs(refused, nowMs));
      }
    }
    return tally.granted();
  }

  /** Counts one request against a single scope (a deployment) when it has room; false when it has none. */
  boolean tryTake(Scope scope, long nowMs, long tokens) {
    long window = Windows.of(nowMs);
    sweepNowAndThen(nowMs, window);
    return counter(scope).tryAcquire(scope, window, tokens, null) == null;
  }

  /** Takes back what {@link #tryTake} counted for one request of {@code tokens} (estimated) in this window. */
  void giveBack(Scope scope, long nowMs, long tokens) {
    counter(scope).undo(scope, Windows.of(nowMs), tokens);
  }

  /** Whether one request of {@code tokens} would pass {@code scope} now, without counting it. */
  boolean hasRoom(Scope scope, long nowMs, long tokens) {
    return counter(scope).hasRoom(scope, Windows.of(nowMs), tokens);
  }

  /**
   * The request has ended: it leaves the in-flight count, and its token estimate (counted in
   * {@code admittedWindow}) is replaced by what it really used.
   */
  void release(List<Scope> scopes, long admittedWindow, long nowMs, long estimate, long actual) {
    long window = Windows.of(nowMs);
    for (Scope scope : scopes) {
      counter(scope).release(scope, admittedWindow, window, estimate, actual);
    }
  }

  /** Takes back all that {@link #acquire} counted for one request admitted in {@code admittedWindow}. */
  void refund(List<Scope> scopes, long admittedWindow, long estimate) {
    for (Scope scope : scopes) {
      counter(scope).undo(scope, admittedWindow, estimate);
    }
  }

  int size() {
    return counters.size();
  }

  private Counter counter(Scope scope) {
    Counter counter = counters.computeIfAbsent(scope.id(), id -> new Counter());
    if (counter.retired) {
      // Swept between lookup and use (rare): take the live one.
      counters.remove(scope.id(), counter);
      return counters.computeIfAbsent(scope.id(), id -> new Counter());
    }
    return counter;
  }

  /** Drops idle counters once a minute, so keys that stopped calling cost no memory. */
  private void sweepNowAndThen(long nowMs, long window) {
    long last = lastSweep.get();
    if (nowMs - last < SWEEP_EVERY_MS || !lastSweep.compareAndSet(last, nowMs)) {
      return;
    }
    counters.forEach((id, counter) -> {
      if (counter.retireIfIdle(window)) {
        counters.remove(id, counter);
      }
    });
  }

  /** One scope's counts in its current window. */
  private static final class Counter {
    private long window = -1;
    private long requests;
    private long tokens;
    private long inFlight;
    volatile boolean retired;

    synchronized Scope.Limit tryAcquire(Scope scope, long now, long cost, Decision.Tally tally) {
      roll(now);
      if (scope.rpm() > 0 && requests + 1 > scope.rpm()) {
        return Scope.Limit.RPM;
      }
      if (scope.tpm() > 0 && (tokens >= scope.tpm() || (tokens > 0 && tokens + cost > scope.tpm()))) {
        return Scope.Limit.TPM;
      }
      if (scope.parallel() > 0 && inFlight + 1 > scope.parallel()) {
        return Scope.Limit.PARALLEL;
      }
      requests++;
      if (scope.tpm() > 0) {
        tokens += cost;
        if (tally != null) {
          tally.tokens(scope.tpm(), tokens);
        }
      }
      if (scope.parallel() > 0) {
        inFlight++;
      }
      if (scope.rpm() > 0 && tally != null) {
        tally.requests(scope.rpm(), requests);
      }
      return null;
    }

    synchronized boolean hasRoom(Scope scope, long now, long cost) {
      roll(now);
      return !(scope.rpm() > 0 && requests + 1 > scope.rpm())
          && !(scope.tpm() > 0 && (tokens >= scope.tpm() || (tokens > 0 && tokens + cost > scope.tpm())))
          && !(scope.parallel() > 0 && inFlight + 1 > scope.parallel());
    }

    synchronized void undo(Scope scope, long now, long cost) {
      if (window == now) {
        requests = Math.max(0, requests - 1);
        if (scope.tpm() > 0) {
          tokens = Math.max(0, tokens - cost);
        }
      }
      if (scope.parallel() > 0) {
        inFlight = Math.max(0, inFlight - 1);
      }
    }

    synchronized void release(Scope scope, long admittedWindow, long now, long estimate, long actual) {
      if (scope.parallel() > 0) {
        inFlight = Math.max(0, inFlight - 1);
      }
      if (scope.tpm() > 0) {
        if (admittedWindow == now && window == now) {
          tokens = Math.max(0, tokens + actual - estimate);
        } else {
          // The estimate was counted in a window that is over: the tokens count in this one.
          roll(now);
          tokens += actual;
        }
      }
    }

    private void roll(long now) {
      if (window != now) {
        window = now;
        requests = 0;
        tokens = 0;
      }
    }

    synchronized boolean retireIfIdle(long now) {
      if (inFlight == 0 && window < now) {
        retired = true;
      }
      return retired;
    }
  }
}
