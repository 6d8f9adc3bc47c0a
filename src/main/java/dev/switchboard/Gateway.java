package dev.switchboard;

import dev.switchboard.model.AuthCheck;
import dev.switchboard.auth.AuthVerticle;
import dev.switchboard.auth.Authenticator;
import dev.switchboard.model.Principal;
import dev.switchboard.bus.Addresses;
import dev.switchboard.bus.Bus;
import dev.switchboard.cluster.ClusterNode;
import dev.switchboard.config.GatewayConfig;
import dev.switchboard.config.GeneralSettings;
import dev.switchboard.config.StartupException;
import dev.switchboard.doctor.Doctor;
import dev.switchboard.metrics.Metrics;
import dev.switchboard.errors.GatewayError;
import dev.switchboard.ingress.HttpIngressVerticle;
import dev.switchboard.keys.DirectoryRoutes;
import dev.switchboard.keys.KeyRoutes;
import dev.switchboard.keys.KeyStore;
import dev.switchboard.provider.Deployment;
import dev.switchboard.ratelimit.Acquire;
import dev.switchboard.ratelimit.Permit;
import dev.switchboard.ratelimit.RateLimitVerticle;
import dev.switchboard.ratelimit.RateLimiter;
import dev.switchboard.ratelimit.Release;
import dev.switchboard.relay.RelayCall;
import dev.switchboard.relay.RelayResult;
import dev.switchboard.relay.StreamRelayVerticle;
import dev.switchboard.reload.ConfigReloader;
import dev.switchboard.routing.HealthCheckVerticle;
import dev.switchboard.routing.LiveModels;
import dev.switchboard.routing.ModelRegistry;
import dev.switchboard.routing.PickRequest;
import dev.switchboard.routing.Router;
import dev.switchboard.routing.RouterVerticle;
import dev.switchboard.routing.Routing;
import dev.switchboard.spend.Accounting;
import dev.switchboard.spend.BudgetCheck;
import dev.switchboard.spend.PriceBook;
import dev.switchboard.spend.Reservation;
import dev.switchboard.spend.SpendEvent;
import dev.switchboard.spend.SpendRoutes;
import dev.switchboard.spend.SpendLedger;
import dev.switchboard.spend.SpendLogVerticle;
import dev.switchboard.tracing.Tracing;
import dev.switchboard.store.Database;
import dev.switchboard.store.DatabaseHealth;
import io.vertx.core.Deployable;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.ThreadingModel;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.net.BindException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * A running gateway: one Vert.x, the shared services, and every stage deployed with one instance
 * per event loop (ingress last, so nothing is accepted before the stages can answer).
 */
public final class Gateway {

  private static final Logger LOG = Logger.getLogger(Gateway.class.getName());

  /** How to run: where to listen (port 0 = any free port) and how many event loops (0 = one per core). */
  public record Options(String host, int port, int eventLoops) {
  }

  private final Vertx vertx;
  private final SpendLedger ledger;
  private final RateLimiter limiter;
  private final int port;
  private final List<String> stages;
  private final Database database;
  private final Accounting accounting;
  private final Routing routing;
  private final Tracing tracing;
  private final Bus bus;
  private final Metrics metrics;
  /** The longest a stopping gateway waits for its last spend records to be handled. */
  private static final long SETTLE_MS = 5_000;

  private Gateway(Vertx vertx, Bus bus, SpendLedger ledger, RateLimiter limiter, int port,
      List<String> stages, Database database, Accounting accounting, Metrics metrics, Routing routing,
      Tracing tracing) {
    this.tracing = tracing;
    this.bus = bus;
    this.metrics = metrics;
    this.routing = routing;
    this.limiter = limiter;
    this.database = database;
    this.accounting = accounting;
    this.vertx = vertx;
    this.ledger = ledger;
    this.port = port;
    this.stages = stages;
  }

  public static Future<Gateway> start(GatewayConfig config, Options options) {
    Tracing tracing;
    try {
      tracing = Tracing.of(config.observability().tracing());
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    return start(config, options, tracing);
  }

  /** @param tracing where the request spans go ({@link Tracing#OFF} for none); closed with the gateway */
  public static Future<Gateway> start(GatewayConfig config, Options options, Tracing tracing) {
    ModelRegistry registry;
    try {
      registry = ModelRegistry.from(config);
    } catch (StartupException e) {
      tracing.close();
      return Future.failedFuture(e);
    }
    int loops = options.eventLoops() > 0 ? options.eventLoops() : Runtime.getRuntime().availableProcessors();
    PriceBook prices = PriceBook.shipped();
    LiveModels models = new LiveModels(LiveModels.Snapshot.of(registry, config.router().routing(), prices));
    Metrics metrics = new Metrics(models);
    return ClusterNode.vertx(config.cluster(), new VertxOptions().setEventLoopPoolSize(loops), metrics::vertxBuilder)
        .compose(vertx -> startOn(vertx, loops, models, prices, config, options, metrics, tracing))
        .onFailure(failed -> tracing.close());
  }

  private static Future<Gateway> startOn(Vertx vertx, int loops, LiveModels models, PriceBook prices, GatewayConfig config,
      Options options, Metrics metrics, Tracing tracing) {
    ModelRegistry registry = models.registry();
    Bus bus = new Bus(vertx);
    bus.registerLocalCodecs(AuthCheck.class, Principal.class, PickRequest.class, Deployment.class, RelayCall.class,
        RelayResult.class, SpendEvent.class, GatewayError.class, Acquire.class, Permit.class,
        Release.class, BudgetCheck.class, Reservation.class);
    metrics.watch(bus);

    RateLimiter limiter = RateLimiter.create(vertx, config, registry);
    limiter.observeRedis(metrics::redisCall);
    Routing routing = new Routing(vertx, bus, models, config, limiter.gate(), prices, metrics.router());
    Router router = routing.router();
    SpendLedger ledger = new SpendLedger();
    // Completed off any Vert.x context: after a failed start this Vert.x is closing and its event
    // loops can no longer run callbacks.
    Promise<Gateway> started = Promise.promise();
    List<String> stages = new ArrayList<>();
    AtomicReference<Database> database = new AtomicReference<>();
    AtomicReference<Accounting> accounts = new AtomicReference<>();
    AtomicInteger boundPort = new AtomicInteger();
    openDatabase(vertx, config.general())
        .compose(db -> {
          database.set(db);
          KeyStore keys = db == null ? null : new KeyStore(db.pool());
          KeyRoutes keyRoutes = db == null ? null : new KeyRoutes(bus, keys);
          Authenticator authenticator = new Authenticator(config.general().masterKey().value(), keys,
              granted -> models.registry().expand(granted));
          ConfigReloader reloader = new ConfigReloader(vertx, bus,
              new ConfigReloader.Targets(routing, limiter.queues(), metrics, authenticator), config);
          reportConfig(config, authenticator, db == null);
          // A shared reservation outlives a dead gateway by at most the longest request, plus a minute.
          Accounting accounting = Accounting.create(config.spend(), db == null ? null : db.pool(),
              db == null ? null : db.separatePools(1), config.litellm().requestTimeout() + 60);
          accounts.set(accounting);
          if (accounting.writer() != null) {
            accounting.writer().stopWithin(config.general().gracefulShutdownSeconds());
          }
          metrics.watch(limiter, accounting.writer());
          HttpIngressVerticle.Settings ingress = new HttpIngressVerticle.Settings(options.host(), options.port(),
              boundPort, config.general().maxRequestSizeBytes(), models, System.currentTimeMillis() / 1000,
              keyRoutes, db == null ? null : new DirectoryRoutes(bus, db.pool(), keyRoutes),
              db == null ? null : new SpendRoutes(db.pool(), config.spend()), metrics,
              config.observability().metricsAuth(), new Doctor(vertx, config.source(), db == null ? null : db.pool()),
              config.general().gracefulShutdownSeconds(), routing,
              () -> config.router().redis() == null ? null : limiter.redisAvailable() ? "connected" : "unavailable",
              tracing, reloader, config.general().server(), db == null ? null : new DatabaseHealth(vertx, db.pool()));
          return deploy(vertx, loops, stages, () -> new AuthVerticle(bus, authenticator))
              .compose(v -> deploy(vertx, loops, stages, () -> new RateLimitVerticle(bus, limiter)))
              .compose(v -> deploy(vertx, loops, stages, () -> new RouterVerticle(bus, router)))
              .compose(v -> deploy(vertx, loops, stages, () -> new StreamRelayVerticle(bus, config.litellm(), metrics::providerHeaders)))
              .compose(v -> accounting.writer() == null ? Future.succeededFuture()
                  : vertx.deployVerticle(accounting.writer(), new DeploymentOptions().setThreadingModel(ThreadingModel.WORKER))
                      .onSuccess(stages::add))
              .compose(v -> deploy(vertx, loops, stages, () -> new SpendLogVerticle(bus, ledger, accounting, metrics)))
              .compose(v -> !config.router().routing().backgroundHealthChecks() ? Future.succeededFuture()
                  : deploy(vertx, 1, stages, () -> new HealthCheckVerticle(routing.health(),
                      config.router().routing().healthCheckIntervalSeconds())))
              .compose(v -> reloader.listen())
              .compose(v -> deploy(vertx, loops, stages, () -> new HttpIngressVerticle(bus, ingress)));
        })
        .onComplete(deployed -> {
          if (deployed.succeeded()) {
            started.complete(new Gateway(vertx, bus, ledger, limiter, boundPort.get(), List.copyOf(stages),
                database.get(), accounts.get(), metrics, routing, tracing));
          } else {
            started.fail(startupFailure(deployed.cause(), options));
            Database db = database.get();
            limiter.close().eventually(() -> db == null ? Future.<Void>succeededFuture() : db.close(vertx))
                .onComplete(closed -> vertx.close());
          }
        });
    return started.future();
  }

  /** The configured or embedded Postgres, or null when the gateway runs without one. */
  private static Future<Database> openDatabase(Vertx vertx, GeneralSettings general) {
    if (general.withoutDatabase()) {
      return Future.succeededFuture(null);
    }
    return Database.open(vertx, general.databaseUrl(), Path.of(general.embeddedDatabaseDir()), general.databasePoolSize());
  }

  private static Future<String> deploy(Vertx vertx, int instances, List<String> stages,
      Supplier<? extends Deployable> stage) {
    return vertx.deployVerticle(stage, new DeploymentOptions().setInstances(instances)).onSuccess(stages::add);
  }

  private static Throwable startupFailure(Throwable failure, Options options) {
    if (failure instanceof BindException || failure.getCause() instanceof BindException) {
      return new StartupException("Port " + options.port() + " on " + options.host() + " is already in use. "
          + "Find the process with `ss -ltnp 'sport = :" + options.port() + "'` (or `lsof -i :" + options.port()
          + "`), stop it, or start Switchboard with --port N.");
    }
    if (failure instanceof StartupException) {
      return failure;
    }
    return new StartupException("Cannot start: " + failure.getClass().getSimpleName() + ": " + failure.getMessage());
  }

  private static void reportConfig(GatewayConfig config, Authenticator authenticator, boolean withoutDatabase) {
    if (withoutDatabase) {
      LOG.info("Running without a database (database_url: none): virtual keys are off, the master key alone is accepted.");
    }
    if (!config.ignoredKeys().isEmpty()) {
      LOG.warning("Ignoring settings Switchboard does not implement yet: " + String.join(", ", config.ignoredKeys()));
    }
    if (authenticator.isOpen()) {
      LOG.warning("No general_settings.master_key is set: this gateway is OPEN and anyone who can reach it may use "
          + "every model. Set master_key (starting with sk-) before exposing it.");
    }
  }

  public int port() {
    return port;
  }

  /** The model list in force (a reload may replace it). */
  public ModelRegistry registry() {
    return routing.models().registry();
  }

  public SpendLedger ledger() {
    return ledger;
  }

  /** Prices, budgets and the spend writer of this gateway. */
  public Accounting accounting() {
    return accounting;
  }

  /** This gateway's meters; the router reports deployment health through {@link Metrics#router()}. */
  public Tracing tracing() {
    return tracing;
  }

  public Metrics metrics() {
    return metrics;
  }

  /** Deployment states, the router, the attempt loop and health checks. */
  public Routing routing() {
    return routing;
  }

  /** Rate limits, fair queues and their counters. */
  public RateLimiter rateLimits() {
    return limiter;
  }

  public Vertx vertx() {
    return vertx;
  }

  /**
   * Undeploys the stages in reverse order (ingress first, so nothing new arrives while the stages
   * behind it are still there to finish what is in flight), then closes the database and Vert.x.
   */
  public Future<Void> close() {
    Future<Void> undeployed = Future.succeededFuture();
    for (int i = stages.size() - 1; i >= 0; i--) {
      String stage = stages.get(i);
      undeployed = undeployed.compose(v -> vertx.undeploy(stage));
      if (i == stages.size() - 1) {
        // Ingress has let its last requests finish: their releases and spend records must be
        // handled before the stages that consume them stop.
        undeployed = undeployed.compose(v -> bus.settled(Addresses.RATELIMIT_RELEASE, SETTLE_MS))
            .compose(v -> bus.settled(Addresses.SPEND_RECORD, SETTLE_MS));
      }
    }
    return undeployed
        .eventually(limiter::close)
        .eventually(() -> database == null ? Future.succeededFuture() : database.close(vertx))
        .eventually(() -> vertx.close())
        .eventually(tracing::close); // exports the spans still queued
  }
}
