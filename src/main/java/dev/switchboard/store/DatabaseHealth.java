package dev.switchboard.store;

import dev.switchboard.errors.DatabaseUnavailable;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.util.concurrent.TimeUnit;

/**
 * The database's real state for {@code /health/readiness}: a {@code SELECT 1} with a short
 * timeout, its answer kept for a second so probes cost nothing under load. While an outage is
 * known (a request got its 503) the database is checked every few seconds, so its return is noticed
 * and logged even when nothing else asks.
 */
public final class DatabaseHealth {

  static final long PROBE_TIMEOUT_MS = 1_000;
  static final long KEEP_MS = 1_000;
  static final long RECHECK_MS = 2_000;

  private final Vertx vertx;
  private final Pool pool;
  private volatile Future<Boolean> last;
  private volatile long lastAtNanos;
  private long recheckTimer = -1;

  public DatabaseHealth(Vertx vertx, Pool pool) {
    this.vertx = vertx;
    this.pool = pool;
    DatabaseUnavailable.watchedBy(this::watchWhileDown);
  }

  /** Whether Postgres answers now (a fresh probe, or one less than a second old). */
  public Future<Boolean> reachable() {
    Future<Boolean> cached = last;
    if (cached != null && System.nanoTime() - lastAtNanos < TimeUnit.MILLISECONDS.toNanos(KEEP_MS)) {
      return cached;
    }
    lastAtNanos = System.nanoTime();
    Future<Boolean> probe = pool.query("SELECT 1").execute().timeout(PROBE_TIMEOUT_MS, TimeUnit.MILLISECONDS)
        .transform(done -> {
          if (done.succeeded()) {
            DatabaseUnavailable.back();
          } else {
            DatabaseUnavailable.error(done.cause());
          }
          return Future.succeededFuture(done.succeeded());
        });
    last = probe;
    return probe;
  }

  /** While the database is known down, re-probes it until it answers (and so its return is logged). */
  synchronized void watchWhileDown() {
    if (recheckTimer != -1 || !DatabaseUnavailable.down()) {
      return;
    }
    recheckTimer = vertx.setPeriodic(RECHECK_MS, id -> reachable().onSuccess(up -> {
      if (up) {
        synchronized (this) {
          vertx.cancelTimer(id);
          recheckTimer = -1;
        }
      }
    }));
  }
}
