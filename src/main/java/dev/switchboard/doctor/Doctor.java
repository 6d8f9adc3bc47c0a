package dev.switchboard.doctor;

import dev.switchboard.config.ConfigLoader;
import dev.switchboard.config.ConfigProblem;
import dev.switchboard.config.ConfigSource;
import dev.switchboard.config.GatewayConfig;
import dev.switchboard.config.GeneralSettings;
import dev.switchboard.config.RedisSettings;
import dev.switchboard.config.StartupException;
import dev.switchboard.model.Deployment;
import dev.switchboard.routing.DisabledDeployment;
import dev.switchboard.routing.ModelRegistry;
import dev.switchboard.store.Database;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The checks the troubleshooting guides make people run by hand, run on one config: YAML, env
 * variables, master key, port, database and migrations, Redis, each deployment's address and key,
 * names, aliases, fallbacks, access groups, budgets and limits. {@code switchboard doctor} runs it
 * from the command line; {@code GET /health/doctor} on a running gateway (with its own database
 * pool, and no port check: the port is its own). Network checks never block an event loop.
 */
public final class Doctor {

  /**
   * @param offline   skip the provider probes
   * @param host      where the gateway would listen, for the port check
   * @param port      the port to check, or -1 to skip the check
   */
  public record Options(boolean offline, String host, int port) {
  }

  private static final long TIMEOUT_MS = 3_000;

  private final Vertx vertx;
  private final ConfigSource source;
  private final Pool livePool;

  /** @param livePool the running gateway's database, or null to connect as the config says */
  public Doctor(Vertx vertx, ConfigSource source, Pool livePool) {
    this.vertx = vertx;
    this.source = source;
    this.livePool = livePool;
  }

  public Future<Report> run(Options options) {
    // The checks run on one event loop: called from a plain thread (the CLI, a test), a response's
    // callbacks could otherwise be attached on that thread after the response had already ended,
    // and its body would never arrive.
    Promise<Report> report = Promise.promise();
    vertx.getOrCreateContext().runOnContext(start -> runChecks(options).onComplete(report));
    return report.future();
  }

  private Future<Report> runChecks(Options options) {
    List<Check> checks = new ArrayList<>();
    Map<?, ?> document;
    try {
      document = ConfigChecks.map(ConfigLoader.document(source.text(), source.name()));
    } catch (StartupException e) {
      return Future.succeededFuture(new Report(List.of(ConfigChecks.loadFailure(e))));
    }
    // Every problem of the file at once: the loader reads past each bad value, and what it could
    // read still goes through the checks below.
    ConfigLoader.Reading reading = new ConfigLoader(source.processEnv()).read(source.text(), source.name());
    GatewayConfig config = reading.config();
    List<ConfigProblem> problems = new ArrayList<>(reading.problems());
    List<DisabledDeployment> disabled = config == null ? List.of() : ModelRegistry.disabledIn(config);
    if (config != null) {
      try {
        ModelRegistry.from(config);
      } catch (StartupException e) {
        problems.addAll(e.problems());
      }
    }
    if (problems.isEmpty()) {
      checks.add(Check.ok("config", source.name() + " is valid YAML and loads"
          + (config.ignoredKeys().isEmpty() ? "" : " (not implemented, ignored: " + String.join(", ", config.ignoredKeys()) + ")")));
    }
    problems.forEach(problem -> checks.add(ConfigChecks.loadFailure(problem)));
    disabled.forEach(d -> checks.add(ConfigChecks.disabled(d)));
    checks.addAll(ConfigChecks.environment(document, source.processEnv()));
    checks.add(ConfigChecks.masterKey(document, source.processEnv()));
    if (config != null) {
      checks.addAll(ConfigChecks.models(document, config));
      checks.addAll(ConfigChecks.fallbacks(document, config));
      checks.add(ConfigChecks.accessGroups(config));
      checks.addAll(ConfigChecks.limits(config));
    }
    List<Future<List<Check>>> pending = new ArrayList<>();
    if (options.port() >= 0) {
      pending.add(vertx.executeBlocking(() -> List.of(PortCheck.run(options.host(), options.port()))));
    }
    if (config != null) {
      pending.add(database(config.general()));
      pending.add(redis(config.router().redis()).map(List::of));
      pending.add(options.offline()
          ? Future.succeededFuture(List.of(Check.ok("deployments", "not probed (--offline)")))
          : deployments(config, config.litellm().sslVerify()));
    }
    // Each check bounds its own waits; this bounds the whole (a close that never completes, say),
    // so the doctor always answers.
    pending.replaceAll(check -> check.timeout(ProviderProbe.TIMEOUT_MS + TIMEOUT_MS, TimeUnit.MILLISECONDS));
    return Future.join(pending).transform(done -> {
      for (Future<List<Check>> found : pending) {
        checks.addAll(found.succeeded() ? found.result()
            : List.of(Check.fail("doctor", "a check could not run: " + found.cause(), null)));
      }
      return Future.succeededFuture(new Report(List.copyOf(checks)));
    });
  }

  private Future<List<Check>> database(GeneralSettings general) {
    if (general.withoutDatabase()) {
      return Future.succeededFuture(List.of(Check.ok("database", "database_url: none (no keys, master key only)")));
    }
    if (livePool != null) {
      return migrations(livePool, "the gateway's database");
    }
    if (general.databaseUrl() == null) {
      Path dir = Path.of(general.embeddedDatabaseDir()).toAbsolutePath();
      Path existing = dir;
      while (existing != null && !Files.exists(existing)) {
        existing = existing.getParent();
      }
      return Future.succeededFuture(List.of(existing != null && Files.isWritable(existing)
          ? Check.ok("database", "embedded Postgres, data in " + dir + " (started by the gateway)")
          : Check.fail("database", "embedded Postgres cannot write its data directory " + dir,
              "make it writable, set general_settings.embedded_database_dir, or set database_url")));
    }
    PgConnectOptions options;
    try {
      options = PgConnectOptions.fromUri(general.databaseUrl());
    } catch (RuntimeException e) {
      return Future.succeededFuture(List.of(Check.fail("database", "database_url is not a valid URL",
          "use postgresql://user:password@host:5432/database")));
    }
    Pool pool = PgBuilder.pool().connectingTo(options).using(vertx).build();
    String where = options.getHost() + ":" + options.getPort() + "/" + options.getDatabase();
    return migrations(pool, where).timeout(TIMEOUT_MS, TimeUnit.MILLISECONDS)
        .recover(failure -> Future.succeededFuture(List.of(Check.fail("database", "cannot connect to Postgres at "
            + where + " (" + failure.getMessage() + ")",
            "check database_url (host, port, user, password) and that Postgres is running"))))
        .eventually(pool::close);
  }

  private static Future<List<Check>> migrations(Pool pool, String where) {
    int latest = Database.latestSchemaVersion();
    return pool.query("SELECT to_regclass('switchboard_migrations') IS NOT NULL").execute()
        .compose(exists -> !exists.iterator().next().getBoolean(0) ? Future.succeededFuture(0)
            : pool.query("SELECT coalesce(max(version), 0) FROM switchboard_migrations").execute()
                .map(rows -> {
                  Row row = rows.iterator().next();
                  return row.getInteger(0);
                }))
        .map(version -> {
          Check reachable = Check.ok("database", "Postgres at " + where + " answers");
          if (version == latest) {
            return List.of(reachable, Check.ok("migrations", "schema at version " + version + " (current)"));
          }
          if (version > latest) {
            return List.of(reachable, Check.fail("migrations", "schema version " + version
                + " is newer than this Switchboard (" + latest + ")", "run the Switchboard version that migrated it"));
          }
          return List.of(reachable, Check.warn("migrations", "schema at version " + version + ", this Switchboard has "
              + latest, "nothing to do: the gateway applies the missing migrations at start"));
        });
  }

  private Future<Check> redis(RedisSettings settings) {
    if (settings == null) {
      return Future.succeededFuture(Check.ok("redis", "not configured: rate limits are counted in memory"));
    }
    Redis client = Redis.createClient(vertx, new RedisOptions().setConnectionString(settings.connectionString()));
    return client.send(Request.cmd(Command.PING)).timeout(TIMEOUT_MS, TimeUnit.MILLISECONDS)
        .map(pong -> Check.ok("redis", "Redis at " + settings.describe() + " answers PING"))
        .otherwise(failure -> Check.fail("redis", "Redis connection error: " + settings.describe() + " ("
            + failure.getClass().getSimpleName() + ": " + failure.getMessage() + ")",
            "start Redis or fix router_settings.redis_host / redis_port / redis_password (or redis_url); "
                + "the gateway still runs without it, counting limits per gateway"))
        .eventually(client::close);
  }

  private Future<List<Check>> deployments(GatewayConfig config, boolean sslVerify) {
    HttpClient client = vertx.createHttpClient(new HttpClientOptions().setTrustAll(!sslVerify)
        .setVerifyHost(sslVerify));
    ProviderProbe probe = new ProviderProbe(client);
    List<Future<Check>> checks = new ArrayList<>();
    List<Deployment> deployments;
    try {
      deployments = ModelRegistry.deployments(config);
    } catch (StartupException e) {
      return Future.succeededFuture(List.of()); // reported with the config check above
    }
    for (Deployment deployment : deployments) {
      checks.add(probe.check(deployment));
    }
    return Future.join(checks).transform(done -> {
      List<Check> out = new ArrayList<>();
      checks.forEach(c -> out.add(c.result()));
      return client.close().transform(closed -> Future.succeededFuture(out));
    });
  }
}
