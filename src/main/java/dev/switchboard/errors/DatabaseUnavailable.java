package dev.switchboard.errors;

import io.vertx.core.VertxException;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;
import java.net.ConnectException;
import java.net.SocketException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Logger;

/**
 * A request that needs Postgres while it is unreachable: a 503 with {@code Retry-After} that names
 * the database (never its address or credentials), one log line when the outage is first seen and
 * one when it ends, instead of a 500 and a stack trace per request.
 */
public final class DatabaseUnavailable {

  private static final Logger LOG = Logger.getLogger(DatabaseUnavailable.class.getName());
  /** Seconds a client is asked to wait. */
  static final String RETRY_AFTER = "5";
  private static final AtomicBoolean DOWN = new AtomicBoolean();
  /** Told when an outage begins (the database health re-probes until it ends). */
  private static volatile Runnable watcher;

  private DatabaseUnavailable() {
  }

  /**
   * Whether the failure says the database cannot be reached: no connection, a connection lost, or
   * the server shutting down or starting up (SQLSTATE classes 08 and 57P).
   */
  public static boolean matches(Throwable failure) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
      if (cause instanceof ConnectException || cause instanceof ClosedConnectionException
          || cause instanceof SocketException) {
        return true;
      }
      if (cause instanceof PgException pg && pg.getSqlState() != null
          && (pg.getSqlState().startsWith("08") || pg.getSqlState().startsWith("57P"))) {
        return true;
      }
      if (cause instanceof VertxException && cause.getMessage() != null
          && (cause.getMessage().startsWith("Connection is not active") || cause.getMessage().contains("waiting for connection"))) {
        return true;
      }
    }
    return false;
  }

  /** The 503 for a request that needed the database; the first one of an outage is logged. */
  public static GatewayError error(Throwable cause) {
    if (DOWN.compareAndSet(false, true)) {
      LOG.warning("The database (Postgres) is unreachable (" + cause.getClass().getSimpleName() + "); requests that "
          + "need it get 503 until it is back. Cached keys and in-memory budgets keep working.");
      Runnable watch = watcher;
      if (watch != null) {
        watch.run();
      }
    }
    return GatewayError.of(ErrorClass.SERVICE_UNAVAILABLE, "database_unavailable", "The gateway's database (Postgres) is unreachable, so this request cannot be served now; retry in a few seconds.").withRetryAfter(RETRY_AFTER);
  }

  /** The database answered again: the next outage is logged anew. */
  public static void back() {
    if (DOWN.compareAndSet(true, false)) {
      LOG.info("The database (Postgres) is back: requests that need it are served again");
    }
  }

  /** @param onOutage run when an outage is first seen */
  public static void watchedBy(Runnable onOutage) {
    watcher = onOutage;
  }

  public static boolean down() {
    return DOWN.get();
  }
}
