package dev.switchboard.metrics;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Keeps one label's values bounded: the first {@code limit} distinct values are used as they are,
 * any later one becomes {@link #OTHER}, so no flood of new key aliases or team ids can grow
 * /metrics without end. Values come from config and the key store, never from a request body.
 */
final class LabelValues {

  static final String OTHER = "other";
  static final String NONE = "";

  private final int limit;
  private final Set<String> admitted = ConcurrentHashMap.newKeySet();

  LabelValues(int limit) {
    this.limit = limit;
  }

  String of(String value) {
    if (value == null || value.isEmpty()) {
      return NONE;
    }
    if (admitted.contains(value)) {
      return value;
    }
    // A race may admit a few past the limit; the bound stays a bound.
    if (admitted.size() < limit) {
      admitted.add(value);
      return value;
    }
    return OTHER;
  }
}
