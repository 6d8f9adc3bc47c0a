package dev.switchboard.auth;

import dev.switchboard.model.Principal;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Recently seen virtual keys by hash, as ready principals (models already worked out), so a
 * request costs a map lookup, not a database round trip. Bounded in size and age; an update,
 * block or delete removes the key at once (see {@code forget}).
 */
final class KeyCache {

  static final long TTL_NANOS = 60_000_000_000L;
  static final int MAX_ENTRIES = 100_000;

  private record Entry(Principal principal, long loadedAtNanos) {
  }

  private final Map<String, Entry> entries = new ConcurrentHashMap<>();

  Principal get(String tokenHash) {
    Entry entry = entries.get(tokenHash);
    if (entry == null) {
      return null;
    }
    if (System.nanoTime() - entry.loadedAtNanos() > TTL_NANOS) {
      entries.remove(tokenHash, entry);
      return null;
    }
    return entry.principal();
  }

  /** @param tokenHash the hash of the value presented (a regenerated key's old value maps to the key it became) */
  void put(String tokenHash, Principal principal) {
    if (entries.size() >= MAX_ENTRIES) {
      // Rare and cheap to refill: simpler than an LRU and keeps the bound hard.
      entries.clear();
    }
    entries.put(tokenHash, new Entry(principal, System.nanoTime()));
  }

  /** @param tokenHash the key to drop, or null for all of them */
  void forget(String tokenHash) {
    if (tokenHash == null) {
      entries.clear();
    } else {
      entries.remove(tokenHash);
    }
  }
}
