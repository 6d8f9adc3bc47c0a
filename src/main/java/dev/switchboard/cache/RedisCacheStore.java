package dev.switchboard.cache;

import dev.switchboard.config.RedisSettings;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClientOptions;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code type: redis}: answers shared by every gateway on the same Redis. Entries live under
 * {@value #PREFIX}{@code <cache key>} with Redis's own expiry, so flushing touches only the cache's
 * keys, never the rate limiter's counters on the same server. Every call is bounded by
 * {@value #CALL_TIMEOUT_MS} ms: a slow or dead Redis costs a request that long at most, once per call.
 */
final class RedisCacheStore implements CacheStore {

  static final String PREFIX = "switchboard:cache:";
  private static final long CALL_TIMEOUT_MS = 1000;

  private final Redis client;

  RedisCacheStore(Vertx vertx, RedisSettings settings) {
    this.client = Redis.createClient(vertx, new RedisOptions().setConnectionString(settings.connectionString())
        .setMaxPoolSize(8).setMaxPoolWaiting(4096)
        .setNetClientOptions(new NetClientOptions().setConnectTimeout((int) CALL_TIMEOUT_MS).setTcpNoDelay(true)));
  }

  private Future<Response> send(Request request) {
    return client.send(request).timeout(CALL_TIMEOUT_MS, TimeUnit.MILLISECONDS);
  }

  @Override
  public Future<CacheEntry> get(String key) {
    return send(Request.cmd(Command.GET).arg(PREFIX + key))
        .map(value -> value == null ? null : CacheEntry.decode(value.toBuffer()));
  }

  @Override
  public Future<Void> put(String key, CacheEntry entry, long ttlMillis) {
    Buffer bytes = entry.encode();
    return send(Request.cmd(Command.SET).arg(PREFIX + key).arg(bytes).arg("PX").arg(Math.max(1, ttlMillis))).mapEmpty();
  }

  @Override
  public Future<Integer> delete(List<String> keys) {
    if (keys.isEmpty()) {
      return Future.succeededFuture(0);
    }
    Request del = Request.cmd(Command.DEL);
    keys.forEach(key -> del.arg(PREFIX + key));
    return send(del).map(Response::toInteger);
  }

  /** SCAN over the cache's prefix, deleting each page: never FLUSHALL on a Redis others share. */
  @Override
  public Future<Void> flush() {
    return flushFrom("0");
  }

  private Future<Void> flushFrom(String cursor) {
    return send(Request.cmd(Command.SCAN).arg(cursor).arg("MATCH").arg(PREFIX + "*").arg("COUNT").arg(500))
        .compose(page -> {
          String next = page.get(0).toString();
          List<String> found = new ArrayList<>();
          page.get(1).forEach(key -> found.add(key.toString()));
          Future<Void> deleted = Future.succeededFuture();
          if (!found.isEmpty()) {
            Request del = Request.cmd(Command.DEL);
            found.forEach(del::arg);
            deleted = send(del).mapEmpty();
          }
          return deleted.compose(v -> "0".equals(next) ? Future.succeededFuture() : flushFrom(next));
        });
  }

  @Override
  public Future<Void> ping() {
    return send(Request.cmd(Command.PING)).mapEmpty();
  }

  @Override
  public Future<Void> close() {
    return client.close();
  }
}
