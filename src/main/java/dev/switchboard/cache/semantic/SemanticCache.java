package dev.switchboard.cache.semantic;

import dev.switchboard.config.CacheSettings;
import dev.switchboard.config.SemanticCacheSettings;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClientOptions;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.ProtocolVersion;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.logging.Logger;

/**
 * The semantic side of the response cache ({@code qdrant-semantic}, {@code redis-semantic}): finds
 * an answer whose prompt embedding is at least {@code similarity_threshold} like the request's,
 * within the request's partition. A store or embedding that fails is the request's miss, reported
 * to the response cache's failure accounting ({@code switchboard_cache_store_errors}, one warning
 * per outage); a lookup never fails.
 *
 * <p>{@code redis-semantic} on a Redis without RediSearch ({@code FT._LIST} unknown) falls back
 * to an in-memory semantic store per node, said once at start and shown by {@link #fallback()}.
 */
public final class SemanticCache {

  private static final Logger LOG = Logger.getLogger(SemanticCache.class.getName());

  private final CacheSettings settings;
  private final Future<SemanticStore> store;
  private final LongSupplier clockMillis;
  private final Consumer<Throwable> failed;
  private final Runnable succeeded;
  private final AtomicBoolean fallback;

  SemanticCache(CacheSettings settings, Future<SemanticStore> store, LongSupplier clockMillis,
      Consumer<Throwable> failed, Runnable succeeded, AtomicBoolean fallback) {
    this.fallback = fallback;
    this.settings = settings;
    this.store = store;
    this.clockMillis = clockMillis;
    this.failed = failed;
    this.succeeded = succeeded;
  }

  /**
   * The semantic cache of {@code settings.semantic()}.
   *
   * @param failed    told of each failed store or embedding call (the response cache counts and warns)
   * @param succeeded told of each call that went well (the outage is over)
   */
  public static SemanticCache open(Vertx vertx, CacheSettings settings, Consumer<Throwable> failed,
      Runnable succeeded) {
    SemanticCacheSettings semantic = settings.semantic();
    LongSupplier clock = System::currentTimeMillis;
    if (semantic.qdrant()) {
      return new SemanticCache(settings, Future.succeededFuture(new QdrantSemanticStore(vertx, semantic, clock)), clock,
          failed, succeeded, new AtomicBoolean());
    }
    Redis client = Redis.createClient(vertx, new RedisOptions().setConnectionString(settings.redis().connectionString())
        .setPreferredProtocolVersion(ProtocolVersion.RESP2).setMaxPoolSize(8).setMaxPoolWaiting(4096)
        .setNetClientOptions(new NetClientOptions().setConnectTimeout(1000).setTcpNoDelay(true)));
    AtomicBoolean fellBack = new AtomicBoolean();
    Future<SemanticStore> store = client.send(Request.cmd(Command.FT__LIST)).timeout(2, TimeUnit.SECONDS)
        .<SemanticStore>map(list -> new RedisSemanticStore(client, semantic.redisIndex()))
        .recover(failure -> {
          if (!RedisSemanticStore.noModule(failure)) {
            // Unreachable now: assume RediSearch; calls fail (and are bypassed) until it answers.
            return Future.succeededFuture(new RedisSemanticStore(client, semantic.redisIndex()));
          }
          fellBack.set(true);
          LOG.warning("litellm_settings.cache_params.type: redis-semantic needs the RediSearch module (Redis Stack or "
              + "Redis 8), and the Redis at " + settings.redis().describe() + " has none (FT._LIST: "
              + failure.getMessage() + "). Semantic answers are kept in memory on this node instead (at most "
              + settings.maxEntries() + ", max_size_in_memory); switchboard_cache_semantic_fallback is 1.");
          client.close();
          return Future.succeededFuture(new MemorySemanticStore(settings.maxEntries(), clock));
        });
    return new SemanticCache(settings, store, clock, failed, succeeded, fellBack);
  }

  /** A semantic cache on an in-memory store and a clock the caller moves (tests). */
  public static SemanticCache memory(CacheSettings settings, LongSupplier clockMillis, Consumer<Throwable> failed,
      Runnable succeeded) {
    return new SemanticCache(settings, Future.succeededFuture(new MemorySemanticStore(settings.maxEntries(), clockMillis)),
        clockMillis, failed, succeeded, new AtomicBoolean());
  }

  public SemanticCacheSettings settings() {
    return settings.semantic();
  }

  /** Whether {@code redis-semantic} found no RediSearch and keeps its answers in memory instead. */
  public boolean fallback() {
    return fallback.get();
  }

  /** The closest answer at least as similar as the threshold and no older than {@code maxAgeSeconds}, or a null result. */
  public Future<SemanticStore.Match> lookup(String partition, float[] vector, Long maxAgeSeconds) {
    return store.compose(s -> s.nearest(partition, vector, settings.semantic().similarityThreshold()))
        .map(match -> {
          succeeded.run();
          if (match == null || maxAgeSeconds != null
              && clockMillis.getAsLong() - match.entry().storedAtMillis() > maxAgeSeconds * 1000) {
            return null;
          }
          return match;
        })
        .otherwise(failure -> {
          failed.accept(failure);
          return null;
        });
  }

  /** Stores an answer under its prompt's embedding unless larger than {@code max_entry_bytes}. */
  public boolean store(String partition, float[] vector, String prompt, Buffer body, Long ttlSeconds) {
    if (body.length() > settings.maxEntryBytes()) {
      return false;
    }
    long ttlMillis = Math.round((ttlSeconds != null ? ttlSeconds : settings.ttlSeconds()) * 1000);
    SemanticStore.Answer entry = new SemanticStore.Answer(body, clockMillis.getAsLong());
    store.compose(s -> s.put(partition, vector, prompt, entry, ttlMillis))
        .onSuccess(v -> succeeded.run()).onFailure(failed::accept);
    return true;
  }

  /** An embedding call that failed: a miss, counted as the store's would be. */
  public void embeddingFailed(Throwable failure) {
    failed.accept(new IllegalStateException("the embedding model " + settings.semantic().embeddingModel()
        + " did not answer: " + failure.getMessage(), failure));
  }

  public Future<Void> flush() {
    return store.compose(SemanticStore::flush);
  }

  public Future<Void> ping() {
    return store.compose(SemanticStore::ping);
  }

  public Future<Void> close() {
    return store.compose(SemanticStore::close).otherwiseEmpty();
  }
}
