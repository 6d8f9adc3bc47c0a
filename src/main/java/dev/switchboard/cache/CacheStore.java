package dev.switchboard.cache;

import io.vertx.core.Future;
import java.util.List;

/** Where cached answers live. Every call may fail (a store that is down); the cache treats that as a miss. */
public interface CacheStore {

  /** The entry, or a null result when there is none. */
  Future<CacheEntry> get(String key);

  Future<Void> put(String key, CacheEntry entry, long ttlMillis);

  /** How many of these keys were there. */
  Future<Integer> delete(List<String> keys);

  Future<Void> flush();

  /** Succeeds when the store answers. */
  Future<Void> ping();

  default Future<Void> close() {
    return Future.succeededFuture();
  }
}
