package dev.switchboard.ratelimit;

import dev.switchboard.config.RedisSettings;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClientOptions;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

/**
 * The rate limiter's connection to Redis and its health: owns the client, the {@link RedisCounters}
 * on it, whether Redis is down (said once per outage, then probed every second until it answers),
 * and the releases that could not reach it, replayed when it is back. {@link RateLimiter} decides;
 * this only knows whether Redis can be asked.
 */
final class RedisLink {

  private static final Logger LOG = Logger.getLogger(RateLimiter.class.getName());
  private static final long PROBE_EVERY_MS = 1000;
  private static final int MAX_PENDING_RELEASES = 100_000;

  /** A release that could not reach Redis, replayed when it is back. */
  record PendingRelease(List<Scope> scopes, long window, long nowMs, long estimate, long actual,
      boolean refused) {
  }

  private final Vertx vertx;
  private final Redis client;
  private final RedisCounters counters;
  private final String where;
  private final AtomicBoolean down = new AtomicBoolean();
  private final AtomicLong outages = new AtomicLong();
  private final Queue<PendingRelease> pending = new ConcurrentLinkedQueue<>();
  private final AtomicInteger pendingCount = new AtomicInteger();
  private volatile long probeTimer = -1;

  RedisLink(Vertx vertx, RedisSettings settings) {
    this.vertx = vertx;
    this.client = Redis.createClient(vertx, new RedisOptions()
        .setConnectionString(settings.connectionString())
        .setMaxPoolSize(8)
        .setMaxPoolWaiting(8192)
        .setNetClientOptions(new NetClientOptions().setConnectTimeout(1000).setTcpNoDelay(true)));
    this.counters = new RedisCounters(client);
    this.where = settings.describe();
  }

  RedisCounters counters() {
    return counters;
  }

  /** Redis failed and has not answered a probe since: count in memory. */
  boolean down() {
    return down.get();
  }

  /** Sends a release to Redis; one that fails is kept to be replayed when Redis is back. */
  Future<Void> send(PendingRelease release) {
    Future<Void> sent = release.refused() ? counters.refund(release.scopes(), release.window(), release.estimate())
        : counters.release(release.scopes(), release.window(), release.nowMs(), release.estimate(), release.actual());
    return sent.onFailure(failure -> {
      failed(failure);
      keepForLater(release);
    });
  }

  /** Keeps a release for when Redis is back (bounded: past the bound it is lost). */
  void keepForLater(PendingRelease release) {
    if (pendingCount.incrementAndGet() <= MAX_PENDING_RELEASES) {
      pending.add(release);
    } else {
      pendingCount.decrementAndGet();
    }
  }

  /** Counts in memory from now on, says so once per outage, and probes Redis until it answers. */
  void failed(Throwable failure) {
    if (!down.compareAndSet(false, true)) {
      return;
    }
    outages.incrementAndGet();
    LOG.warning("Redis at " + where + " is unreachable (" + failure.getClass().getSimpleName() + ": "
        + failure.getMessage() + "). Rate limits are counted in this gateway's memory until it is back, so each "
        + "gateway enforces them alone meanwhile. Checking again every second.");
    probeTimer = vertx.setPeriodic(PROBE_EVERY_MS, id -> counters.ping().onSuccess(pong -> recovered(id)));
  }

  private void recovered(long timer) {
    vertx.cancelTimer(timer);
    if (!down.compareAndSet(true, false)) {
      return;
    }
    probeTimer = -1;
    LOG.info("Redis at " + where + " is reachable again: rate limits are shared through it again.");
    PendingRelease release;
    while ((release = pending.poll()) != null) {
      pendingCount.decrementAndGet();
      send(release);
    }
  }

  /** Times Redis became unreachable. */
  long outages() {
    return outages.get();
  }

  Future<Void> close() {
    long timer = probeTimer;
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
    return client.close();
  }
}
