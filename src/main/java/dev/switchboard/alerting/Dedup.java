package dev.switchboard.alerting;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Remembers when each key last fired, so one cause makes one alert per time to live. Bounded. Thread-safe. */
final class Dedup {

  static final int MAX_KEYS = 10_000;
  private final Map<String, Long> lastFired = new ConcurrentHashMap<>();

  /** Whether {@code key} may fire now (it has not within {@code ttlMs}); if so, it is marked as fired. */
  boolean first(String key, long nowMs, long ttlMs) {
    if (lastFired.size() >= MAX_KEYS) {
      lastFired.values().removeIf(at -> nowMs - at >= ttlMs);
      if (lastFired.size() >= MAX_KEYS) {
        lastFired.clear(); // better a repeated alert than unbounded memory
      }
    }
    boolean[] fresh = {false};
    lastFired.compute(key, (k, at) -> {
      if (at == null || nowMs - at >= ttlMs) {
        fresh[0] = true;
        return nowMs;
      }
      return at;
    });
    return fresh[0];
  }
}
