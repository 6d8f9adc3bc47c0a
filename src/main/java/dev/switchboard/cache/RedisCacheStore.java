package dev.switchboard.cache;

import dev.switchboard.config.RedisNodes;
import dev.switchboard.config.RedisSettings;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClientOptions;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisReplicas;
import io.vertx.redis.client.RedisRole;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
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
  private final boolean cluster;

  RedisCacheStore(Vertx vertx, RedisSettings settings, RedisNodes nodes) {
    this.client = Redis.createClient(vertx, options(settings, nodes));
    this.cluster = nodes != null && nodes.mode() == RedisNodes.Mode.CLUSTER;
  }

  /**
   * The client's options: one server, or (LiteLLM's {@code redis_startup_nodes}) a cluster client that
   * learns the slots from any startup node, or (its {@code sentinel_nodes}) a client that asks the
   * sentinels for {@code service_name}'s master and follows a failover. The data nodes' password is the
   * cache's {@code password}; the sentinels' is {@code sentinel_password}, in their endpoints.
   */
  static RedisOptions options(RedisSettings settings, RedisNodes nodes) {
    RedisOptions options = new RedisOptions().setMaxPoolSize(8).setMaxPoolWaiting(4096)
        .setNetClientOptions(new NetClientOptions().setConnectTimeout((int) CALL_TIMEOUT_MS).setTcpNoDelay(true));
    if (nodes == null) {
      return options.setConnectionString(settings.connectionString());
    }
    String secret = nodes.mode() == RedisNodes.Mode.CLUSTER ? settings.password() : nodes.sentinelPassword();
    String auth = secret == null ? "" : ":" + URLEncoder.encode(secret, StandardCharsets.UTF_8) + "@";
    List<String> endpoints = new ArrayList<>();
    nodes.nodes().forEach(node -> endpoints.add("redis://" + auth + node));
    options.setEndpoints(endpoints);
    if (nodes.mode() == RedisNodes.Mode.CLUSTER) {
      return options.setType(RedisClientType.CLUSTER).setUseReplicas(RedisReplicas.NEVER);
    }
    options.setType(RedisClientType.SENTINEL).setMasterName(nodes.serviceName()).setRole(RedisRole.MASTER)
        .setAutoFailover(true);
    return settings.password() == null ? options : options.setPassword(settings.password());
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
    return cluster ? flushCluster() : flushFrom("0");
  }

  /**
   * A cursor is per node, so a cluster is flushed with KEYS, which the Vert.x cluster client sends to
   * every master and merges, then DEL, which it splits by slot. KEYS walks each node's keyspace at once:
   * acceptable for an operator's flush, never used on a request's path.
   */
  private Future<Void> flushCluster() {
    return send(Request.cmd(Command.KEYS).arg(PREFIX + "*")).compose(keys -> {
      if (keys == null || keys.size() == 0) {
        return Future.succeededFuture();
      }
      Request del = Request.cmd(Command.DEL);
      keys.forEach(key -> del.arg(key.toString()));
      return send(del).mapEmpty();
    });
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
