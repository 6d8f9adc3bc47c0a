package dev.switchboard.store;

import dev.switchboard.config.StartupException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * The gateway's Postgres: the server at {@code database_url}, or, without one, an embedded
 * PostgreSQL (real binaries shipped in the jar) in a local data directory, so keys survive a
 * restart on a fresh machine with nothing set up. Owns the connection pool; schema migrations run
 * before it is handed out.
 */
public final class Database {

  private static final Logger LOG = Logger.getLogger(Database.class.getName());
  static final int POOL_SIZE = 8;

  /** Waiting for a connection (a new one included) gives up after this long: an unreachable server is a failure, not a wait. */
  static final int CONNECT_TIMEOUT_MS = 5_000;

  private final Vertx vertx;
  private final PgConnectOptions options;
  private final Pool pool;
  private final EmbeddedPostgres embedded;

  private Database(Vertx vertx, PgConnectOptions options, Pool pool, EmbeddedPostgres embedded) {
    this.vertx = vertx;
    this.options = options;
    this.pool = pool;
    this.embedded = embedded;
  }

  public Pool pool() {
    return pool;
  }

  /**
   * Pools of {@code size} connections apart from the shared one, for a component that must be able
   * to throw its connections away and start afresh (the spend writer, after a lost connection).
   */
  public Supplier<Pool> separatePools(int size) {
    return () -> PgBuilder.pool().with(new PoolOptions().setMaxSize(size).setConnectionTimeout(CONNECT_TIMEOUT_MS)
        .setConnectionTimeoutUnit(TimeUnit.MILLISECONDS)).connectingTo(options).using(vertx).build();
  }

  /** The schema version this build migrates to. */
  public static int latestSchemaVersion() {
    return Migrations.version(Migrations.FILES.get(Migrations.FILES.size() - 1));
  }

  /**
   * @param databaseUrl a {@code postgresql://} URL, or null for the embedded server in {@code embeddedDir}
   */
  public static Future<Database> open(Vertx vertx, String databaseUrl, Path embeddedDir) {
    return open(vertx, databaseUrl, embeddedDir, POOL_SIZE);
  }

  /** @param poolSize connections this gateway may hold ({@code database_connection_pool_limit}) */
  public static Future<Database> open(Vertx vertx, String databaseUrl, Path embeddedDir, int poolSize) {
    Future<Database> opened = databaseUrl == null ? embedded(vertx, embeddedDir, poolSize)
        : external(vertx, databaseUrl, poolSize);
    return opened.compose(database -> Migrations.apply(database.pool)
        .map(applied -> {
          if (applied > 0) {
            LOG.info("Applied " + applied + " database migration(s)");
          }
          return database;
        })
        .recover(failure -> database.close(vertx).transform(closed -> Future.failedFuture(
            new StartupException("Cannot prepare the database schema: " + failure.getMessage())))));
  }

  private static Future<Database> external(Vertx vertx, String url, int poolSize) {
    PgConnectOptions options;
    try {
      options = PgConnectOptions.fromUri(url);
    } catch (RuntimeException e) {
      return Future.failedFuture(new StartupException(
          "general_settings.database_url is not a valid postgresql://user:password@host:port/database URL"));
    }
    Pool pool = pool(vertx, options, poolSize);
    // Fail at start, in one line, rather than on the first request.
    return pool.query("SELECT 1").execute()
        .map(ok -> new Database(vertx, options, pool, null))
        .recover(failure -> pool.close().transform(closed -> Future.failedFuture(new StartupException(
            "Cannot connect to the database at " + options.getHost() + ":" + options.getPort() + "/"
                + options.getDatabase() + " (" + failure.getMessage() + "); check general_settings.database_url "
                + "or DATABASE_URL, or remove it to use the embedded database"))));
  }

  private static Future<Database> embedded(Vertx vertx, Path dataDir, int poolSize) {
    return vertx.executeBlocking(() -> {
      try {
        return EmbeddedPostgres.builder()
            .setDataDirectory(dataDir.toAbsolutePath())
            .setCleanDataDirectory(false)
            .setServerConfig("listen_addresses", "127.0.0.1")
            .start();
      } catch (IOException | RuntimeException e) {
        throw new StartupException("Cannot start the embedded database in " + dataDir.toAbsolutePath() + " ("
            + e.getMessage() + "); set general_settings.database_url to use your own Postgres");
      }
    }).map(server -> {
      LOG.info("Embedded PostgreSQL on 127.0.0.1:" + server.getPort() + ", data in " + dataDir.toAbsolutePath());
      PgConnectOptions options = new PgConnectOptions().setHost("127.0.0.1").setPort(server.getPort())
          .setDatabase("postgres").setUser("postgres");
      return new Database(vertx, options, pool(vertx, options, poolSize), server);
    });
  }

  private static Pool pool(Vertx vertx, PgConnectOptions options, int poolSize) {
    return PgBuilder.pool().with(new PoolOptions().setMaxSize(poolSize)).connectingTo(options).using(vertx).build();
  }

  public Future<Void> close(Vertx vertx) {
    Future<Void> closed = pool.close();
    if (embedded == null) {
      return closed;
    }
    return closed.eventually(() -> vertx.executeBlocking(() -> {
      embedded.close();
      return null;
    })).mapEmpty();
  }
}
