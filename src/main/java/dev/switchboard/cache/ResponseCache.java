package dev.switchboard.cache;

import dev.switchboard.cache.semantic.SemanticCache;
import dev.switchboard.config.CacheSettings;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.logging.Logger;

/**
 * The gateway's response cache: one per gateway, shared by every event loop. A store that fails is
 * never the request's problem: a failed read is a miss, a failed write is dropped, and the outage is
 * said once (and counted) until the store answers again.
 */
public final class ResponseCache {

  private static final Logger LOG = Logger.getLogger(ResponseCache.class.getName());

  private final CacheSettings settings;
  private final CacheStore store;
  private final LongSupplier clockMillis;
  private final AtomicBoolean failing = new AtomicBoolean();
  private final AtomicLong hits = new AtomicLong();
  private final AtomicLong misses = new AtomicLong();
  private final AtomicLong cachedTokens = new AtomicLong();
  private final AtomicLong storeErrors = new AtomicLong();
  /** {@code qdrant-semantic} / {@code redis-semantic}: prompts matched by meaning; null for the exact types. */
  private volatile SemanticCache semantic;

  ResponseCache(CacheSettings settings, CacheStore store, LongSupplier clockMillis) {
    this.settings = settings;
    this.store = store;
    this.clockMillis = clockMillis;
  }

  /** The cache the settings ask for; a disabled one answers nothing and stores nothing. */
  public static ResponseCache create(Vertx vertx, CacheSettings settings) {
    for (String warning : settings.warnings()) {
      LOG.warning("litellm_settings.cache_params: " + warning);
    }
    if (!settings.enabled()) {
      return new ResponseCache(settings, null, System::currentTimeMillis);
    }
    // A semantic type keeps embeddings' exact item entries (nothing to embed there) in memory.
    CacheStore store = switch (settings.type()) {
      case CacheSettings.REDIS -> new RedisCacheStore(vertx, settings.redis(), settings.redisNodes());
      case CacheSettings.DISK -> new DiskCacheStore(vertx, settings.diskCacheDir(), settings.diskMaxBytes(),
          System::currentTimeMillis);
      default -> new LocalCacheStore(settings.maxEntries(), () -> System.nanoTime());
    };
    String where = settings.redisNodes() != null ? " on " + settings.redisNodes().describe()
        : settings.redis() != null ? " at " + settings.redis().describe()
        : CacheSettings.DISK.equals(settings.type()) ? " in " + settings.diskCacheDir() : "";
    LOG.info("Response cache on: " + settings.type() + where + ", ttl " + settings.ttlSeconds() + " s"
        + (settings.defaultOff() ? ", default_off" : "") + (settings.semantic() == null ? "" : ", " + settings.semantic()));
    ResponseCache cache = new ResponseCache(settings, store, System::currentTimeMillis);
    if (settings.semantic() != null) {
      cache.semantic = SemanticCache.open(vertx, settings, cache::failed, cache::succeeded);
    }
    return cache;
  }

  /** A local cache on a clock the caller moves (milliseconds): TTLs expire without waiting. */
  public static ResponseCache local(CacheSettings settings, AtomicLong clockMillis) {
    return new ResponseCache(settings, new LocalCacheStore(settings.maxEntries(), () -> clockMillis.get() * 1_000_000L),
        clockMillis::get);
  }

  public CacheSettings settings() {
    return settings;
  }

  public boolean enabled() {
    return store != null;
  }

  /** The semantic cache of a {@code *-semantic} type, or null. */
  public SemanticCache semantic() {
    return semantic;
  }

  /**
   * The cached answer for {@code key} no older than {@code maxAgeSeconds} (null: any age), or a null
   * result; never a failed future.
   */
  public Future<CacheEntry> lookup(String key, Long maxAgeSeconds) {
    return store.get(key).map(entry -> {
      succeeded();
      if (entry == null || maxAgeSeconds != null && clockMillis.getAsLong() - entry.storedAtMillis() > maxAgeSeconds * 1000) {
        return null;
      }
      return entry;
    }).otherwise(failure -> {
      failed(failure);
      return null;
    });
  }

  /** Stores an answer unless it is larger than {@code max_entry_bytes}; false when it was too large. */
  public boolean store(String key, Buffer body, Long ttlSeconds) {
    if (body.length() > settings.maxEntryBytes()) {
      return false;
    }
    long ttlMillis = Math.round((ttlSeconds != null ? ttlSeconds : settings.ttlSeconds()) * 1000);
    store.put(key, new CacheEntry(body, clockMillis.getAsLong()), ttlMillis)
        .onSuccess(v -> succeeded()).onFailure(this::failed);
    return true;
  }

  public void counted(boolean hit, long tokens) {
    if (hit) {
      hits.incrementAndGet();
      cachedTokens.addAndGet(tokens);
    } else {
      misses.incrementAndGet();
    }
  }

  public Future<Integer> delete(List<String> keys) {
    return store == null ? Future.succeededFuture(0) : store.delete(keys);
  }

  public Future<Void> flush() {
    Future<Void> exact = store == null ? Future.succeededFuture() : store.flush();
    return semantic == null ? exact : exact.compose(v -> semantic.flush());
  }

  public Future<Void> ping() {
    if (store == null) {
      return Future.failedFuture("Caching is off (litellm_settings.cache)");
    }
    return semantic == null ? store.ping() : store.ping().compose(v -> semantic.ping());
  }

  public Future<Void> close() {
    Future<Void> exact = store == null ? Future.succeededFuture() : store.close();
    return semantic == null ? exact : exact.compose(v -> semantic.close());
  }

  public long hits() {
    return hits.get();
  }

  public long misses() {
    return misses.get();
  }

  public long cachedTokens() {
    return cachedTokens.get();
  }

  /** Store calls that failed (read or write) and were bypassed. */
  public long storeErrors() {
    return storeErrors.get();
  }

  private void failed(Throwable failure) {
    storeErrors.incrementAndGet();
    if (failing.compareAndSet(false, true)) {
      LOG.warning("The response cache (" + settings.type() + ") is unreachable: " + failure.getClass().getSimpleName()
          + ": " + failure.getMessage() + ". Requests go to the providers uncached until it answers again.");
    }
  }

  private void succeeded() {
    if (failing.compareAndSet(true, false)) {
      LOG.info("The response cache (" + settings.type() + ") answers again.");
    }
  }
}
