package dev.switchboard.spend;

import java.util.Collection;
import java.util.Collections;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The model calls in flight and when each began, so a periodic sweep can find the ones hanging
 * (no timer per request). Told by the spend stage, whose end is guaranteed for every begin; holds
 * references only. {@link #NONE} keeps nothing (the hanging alert is off). Thread-safe.
 */
public final class InFlight {

  /** One call in flight: what an alert about it names. */
  public record Call(String requestId, String model, long startMillis, String keyAlias) {
  }

  public static final InFlight NONE = new InFlight(false);

  private final boolean on;
  private final Map<String, Call> calls = new ConcurrentHashMap<>();

  public InFlight(boolean on) {
    this.on = on;
  }

  public void begin(String requestId, String model, long startMillis, String keyAlias) {
    if (on && requestId != null) {
      calls.put(requestId, new Call(requestId, model, startMillis, keyAlias));
    }
  }

  public void end(String requestId) {
    if (on && requestId != null) {
      calls.remove(requestId);
    }
  }

  /** A live view of the calls in flight. */
  public Collection<Call> calls() {
    return on ? Collections.unmodifiableCollection(calls.values()) : java.util.List.of();
  }
}
