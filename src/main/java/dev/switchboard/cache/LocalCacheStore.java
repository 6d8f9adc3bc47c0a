package dev.switchboard.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Ticker;
import io.vertx.core.Future;
import java.util.List;

/**
 * {@code type: local}: one bounded in-process cache per gateway (per node in a cluster), evicting by
 * count ({@code max_size_in_memory}) and by each entry's own TTL. The ticker is the clock TTLs are
 * measured on, so tests move time instead of sleeping. Thread-safe: every event loop shares it.
 */
final class LocalCacheStore implements CacheStore {

  /** An entry and how long it may live, in nanoseconds. */
  private record Held(CacheEntry entry, long ttlNanos) {
  }

  private final Cache<String, Held> cache;

  LocalCacheStore(int maxEntries, Ticker ticker) {
    this.cache = Caffeine.newBuilder().maximumSize(maxEntries).ticker(ticker)
        .expireAfter(new Expiry<String, Held>() {
          @Override
          public long expireAfterCreate(String key, Held value, long currentTime) {
            return value.ttlNanos();
          }

          @Override
          public long expireAfterUpdate(String key, Held value, long currentTime, long currentDuration) {
            return value.ttlNanos();
          }

          @Override
          public long expireAfterRead(String key, Held value, long currentTime, long currentDuration) {
            return currentDuration;
          }
        })
        .executor(Runnable::run) // evictions on the caller's thread: no ForkJoinPool tasks from an event loop
        .build();
  }

  @Override
  public Future<CacheEntry> get(String key) {
    Held held = cache.getIfPresent(key);
    return Future.succeededFuture(held == null ? null : held.entry());
  }

  @Override
  public Future<Void> put(String key, CacheEntry entry, long ttlMillis) {
    cache.put(key, new Held(entry, Math.max(1, ttlMillis) * 1_000_000L));
    return Future.succeededFuture();
  }

  @Override
  public Future<Integer> delete(List<String> keys) {
    int found = 0;
    for (String key : keys) {
      if (cache.asMap().remove(key) != null) {
        found++;
      }
    }
    return Future.succeededFuture(found);
  }

  @Override
  public Future<Void> flush() {
    cache.invalidateAll();
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> ping() {
    return Future.succeededFuture();
  }
}
