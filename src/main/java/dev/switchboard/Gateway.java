package dev.switchboard;

import dev.switchboard.model.AuthCheck;
import dev.switchboard.auth.AuthVerticle;
import dev.switchboard.auth.Authenticator;
import dev.switchboard.model.Principal;
import dev.switchboard.alerting.Alerting;
import dev.switchboard.bus.Addresses;
import dev.switchboard.callbacks.Callbacks;
import dev.switchboard.bus.Bus;
import dev.switchboard.cache.CacheRoutes;
import dev.switchboard.cache.ResponseCache;
import dev.switchboard.files.BatchSpendPoller;
import dev.switchboard.files.BatchSpendVerticle;
import dev.switchboard.files.FileStore;
import dev.switchboard.files.FilesUpstream;
import dev.switchboard.catalog.ModelCatalog;
import dev.switchboard.catalog.ModelManagementRoutes;
import dev.switchboard.cluster.ClusterNode;
import dev.switchboard.config.GatewayConfig;
import dev.switchboard.config.StartupException;
import dev.switchboard.metrics.Metrics;
import dev.switchboard.errors.GatewayError;
import dev.switchboard.ingress.HttpIngressVerticle;
import dev.switchboard.model.Deployment;
import dev.switchboard.ratelimit.Acquire;
import dev.switchboard.ratelimit.Permit;
import dev.switchboard.ratelimit.RateLimitVerticle;
import dev.switchboard.ratelimit.RateLimiter;
import dev.switchboard.ratelimit.Release;
import dev.switchboard.model.RelayCall;
import dev.switchboard.model.RelayResult;
import dev.switchboard.relay.StreamRelayVerticle;
import dev.switchboard.reload.ConfigReloader;
import dev.switchboard.spend.InFlight;
import dev.switchboard.routing.HealthCheckVerticle;
import dev.switchboard.routing.LiveModels;
import dev.switchboard.routing.ModelRegistry;
import dev.switchboard.routing.PickRequest;
import dev.switchboard.routing.RouterVerticle;
import dev.switchboard.routing.Routing;
import dev.switchboard.spend.Accounting;
import dev.switchboard.spend.BudgetCheck;
import dev.switchboard.model.PriceBook;
import dev.switchboard.spend.Reservation;
import dev.switchboard.spend.SpendEvent;
import dev.switchboard.spend.SpendLedger;
import dev.switchboard.spend.SpendLogVerticle;
import dev.switchboard.spend.SpendListener;
import dev.switchboard.livetail.LiveTail;
import dev.switchboard.livetail.TailRoute;
import dev.switchboard.tracing.Tracing;
import io.vertx.core.Deployable;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.ThreadingModel;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.ext.web.Router;
import java.util.function.Consumer;
import java.util.ArrayList;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
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

  /**
   * How to run: where to listen (port 0 = any free port) and how many event loops (0 = one per core).
   *
   * @param warmsUp readiness says "warming up" (503) until {@link #warmed} is called
   */
  public record Options(String host, int port, int eventLoops, boolean warmsUp) {

    public Options(String host, int port, int eventLoops) {
      this(host, port, eventLoops, false);
    }
  }

  private final Vertx vertx;
  private final SpendLedger ledger;
  private final RateLimiter limiter;
  private final int port;
  private final List<String> stages;
  private final Persistence persistence;
  private final Accounting accounting;
  private final Routing routing;
  private final Tracing tracing;
  private final Bus bus;
  private final Metrics metrics;
  private final ResponseCache cache;
  /** Logging callbacks and alerting; set once started. */
  private Observers observers;
  /** Readiness says "warming up" while this is set ({@link Options#warmsUp}). */
  private final AtomicBoolean warming;
  /** The longest a stopping gateway waits for its last spend records to be handled. */
  private static final long SETTLE_MS = 5_000;

  private Gateway(Vertx vertx, Bus bus, SpendLedger ledger, RateLimiter limiter, int port,
      List<String> stages, Persistence persistence, Accounting accounting, Metrics metrics, Routing routing,
      Tracing tracing, AtomicBoolean warming, ResponseCache cache) {
    this.cache = cache;
    this.warming = warming;
    this.tracing = tracing;
    this.bus = bus;
    this.metrics = metrics;
    this.routing = routing;
    this.limiter = limiter;
    this.persistence = persistence;
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
      Startup.disabled(registry);
    } catch (StartupException e) {
      tracing.close();
      return Future.failedFuture(e);
    }
    int loops = options.eventLoops() > 0 ? options.eventLoops() : Runtime.getRuntime().availableProcessors();
    PriceBook prices = PriceBook.shipped();
    LiveModels models = new LiveModels(LiveModels.Snapshot.of(registry, config.router().routing(), prices));
    Metrics metrics = new Metrics(models);
    return ClusterNode.vertx(config.cluster(), new VertxOptions().setEventLoopPoolSize(loops),
        vertxOptions -> metrics.vertxBuilder(vertxOptions, config.observability().vertxHttpMetrics()))
        .compose(vertx -> startOn(vertx, loops, models, prices, config, options, metrics, tracing))
        .onFailure(failed -> tracing.close());
  }

  /** @param prices the price book reloads price their new deployments with */
  private static Future<Gateway> startOn(Vertx vertx, int loops, LiveModels models, PriceBook prices,
      GatewayConfig config, Options options, Metrics metrics, Tracing tracing) {
    Bus bus = new Bus(vertx);
    bus.registerLocalCodecs(AuthCheck.class, Principal.class, PickRequest.class, Deployment.class, RelayCall.class,
        RelayResult.class, SpendEvent.class, GatewayError.class, Acquire.class, Permit.class,
        Release.class, BudgetCheck.class, Reservation.class, dev.switchboard.model.BudgetAlert.class);
    Alerting.registerCodec(bus);
    metrics.watch(bus);
    RateLimiter limiter = RateLimiter.create(vertx, config, models.registry().deployments());
    limiter.observeRedis(metrics::redisCall);
    Routing routing = new Routing(vertx, bus, models, config, limiter.gate(), prices, metrics.router());
    SpendLedger ledger = new SpendLedger();
    ResponseCache cache = ResponseCache.create(vertx, config.litellm().cache());
    metrics.watch(cache);
    // Completed off any Vert.x context: after a failed start this Vert.x is closing and its event
    // loops can no longer run callbacks.
    Promise<Gateway> started = Promise.promise();
    List<String> stages = new ArrayList<>();
    AtomicReference<Persistence> opened = new AtomicReference<>();
    AtomicReference<Accounting> accounts = new AtomicReference<>();
    AtomicReference<Observers> observed = new AtomicReference<>();
    AtomicInteger boundPort = new AtomicInteger();
    AtomicBoolean warming = new AtomicBoolean(options.warmsUp());
    Persistence.open(vertx, bus, config)
        .compose(persistence -> {
          opened.set(persistence);
          Authenticator authenticator = new Authenticator(config.general().masterKey().value(), persistence.keys(),
              granted -> models.registry().expand(granted));
          LiveSettings live = new LiveSettings(config, observed, vertx);
          InFlight inFlight = Alerting.watchesInFlight(config.observability().alerting()) ? new InFlight(true)
              : InFlight.NONE;
          ConfigReloader reloader = new ConfigReloader(vertx, bus,
              new ConfigReloader.Targets(routing, limiter.queues(), metrics, authenticator, live), config);
          ModelCatalog catalog = new ModelCatalog(bus, reloader, models, persistence.pool(), config);
          Startup.report(config, authenticator.isOpen());
          Accounting accounting = persistence.accounting(config);
          accounts.set(accounting);
          metrics.watch(limiter, accounting.writer());
          LiveTail tail = new LiveTail(bus);
          Consumer<Router> adminRoutes = router -> {
            new TailRoute(vertx, tail).mount(router); // before the stored /spend/* routes: it needs no database
            persistence.mountRoutes(router);
            routing.routes().mount(router);
            reloader.mount(router);
            new ModelManagementRoutes(catalog).mount(router);
            new CacheRoutes(cache).mount(router);
          };
          HttpIngressVerticle.Settings ingress = new HttpIngressVerticle.Settings(options.host(), options.port(),
              boundPort, config.general().maxRequestSizeBytes(), models, System.currentTimeMillis() / 1000,
              adminRoutes, metrics, config.observability().metricsAuth(), persistence.doctor(vertx, config.source()),
              config.general().gracefulShutdownSeconds(), routing,
              () -> config.router().redis() == null ? null : limiter.redisAvailable() ? "connected" : "unavailable",
              tracing, config.general().server(), persistence.health(), warming::get, persistence.responses(),
              live.guardrails(), live.logsPrompts(), inFlight, persistence.files(), cache);
          return deploy(vertx, loops, stages, () -> new AuthVerticle(bus, authenticator))
              .compose(v -> deploy(vertx, loops, stages, () -> new RateLimitVerticle(bus, limiter)))
              .compose(v -> deploy(vertx, loops, stages, () -> new RouterVerticle(bus, routing.router())))
              .compose(v -> deploy(vertx, loops, stages, () -> new StreamRelayVerticle(bus, config.litellm(), metrics::providerHeaders)))
              .compose(v -> deployWriter(vertx, accounting, config, stages))
              .compose(v -> Observers.start(vertx, bus, config, accounting, metrics, inFlight)).onSuccess(observed::set)
              .compose(o -> deploy(vertx, loops, stages, () -> new SpendLogVerticle(bus, ledger, accounting, metrics,
                  SpendListener.both(o.listener(), tail))))
              .compose(v -> !config.router().routing().backgroundHealthChecks() ? Future.succeededFuture()
                  : deploy(vertx, 1, stages, () -> new HealthCheckVerticle(routing.health(),
                      config.router().routing().healthCheckIntervalSeconds())))
              .compose(v -> deployBatchPoller(vertx, bus, persistence, models, config, stages))
              .compose(v -> reloader.listen())
              .compose(v -> catalog.start())
              .compose(v -> deploy(vertx, loops, stages, () -> new HttpIngressVerticle(bus, ingress)));
        })
        .onComplete(deployed -> {
          if (deployed.succeeded()) {
            Gateway gateway = new Gateway(vertx, bus, ledger, limiter, boundPort.get(), List.copyOf(stages),
                opened.get(), accounts.get(), metrics, routing, tracing, warming, cache);
            gateway.observers = observed.get();
            started.complete(gateway);
          } else {
            started.fail(Startup.failure(deployed.cause(), options));
            Persistence persistence = opened.get();
            Observers observers = observed.get();
            limiter.close().eventually(cache::close)
                .eventually(() -> observers == null ? Future.<Void>succeededFuture() : observers.close())
                .eventually(() -> persistence == null ? Future.<Void>succeededFuture() : persistence.close(vertx))
                .onComplete(closed -> vertx.close());
          }
        });
    return started.future();
  }

  /** Polls the batches created through the gateway for their spend, on a worker, when there is a database. */
  private static Future<Void> deployBatchPoller(Vertx vertx, Bus bus, Persistence persistence, LiveModels models,
      GatewayConfig config, List<String> stages) {
    if (!persistence.files().enabled()) {
      return Future.succeededFuture();
    }
    BatchSpendPoller poller = new BatchSpendPoller(persistence.files(), new FilesUpstream(vertx), models::current,
        owner -> FileStore.MASTER_OWNER.equals(owner) ? Future.succeededFuture(Principal.MASTER)
            : persistence.keys().find(owner).map(key -> key == null ? null : Principal.of(key, null)),
        event -> bus.<Void>hop(Addresses.SPEND_RECORD, event), Clock.systemUTC());
    return vertx.deployVerticle(new BatchSpendVerticle(poller, config.general().batchPollIntervalSeconds()),
        new DeploymentOptions().setThreadingModel(ThreadingModel.WORKER))
        .onSuccess(stages::add).mapEmpty();
  }

  /** The spend writer, on a worker (it writes files and waits on Postgres), when there is a database. */
  private static Future<Void> deployWriter(Vertx vertx, Accounting accounting, GatewayConfig config,
      List<String> stages) {
    if (accounting.writer() == null) {
      return Future.succeededFuture();
    }
    accounting.writer().stopWithin(config.general().gracefulShutdownSeconds());
    return vertx.deployVerticle(accounting.writer(), new DeploymentOptions().setThreadingModel(ThreadingModel.WORKER))
        .onSuccess(stages::add).mapEmpty();
  }

  private static Future<String> deploy(Vertx vertx, int instances, List<String> stages,
      Supplier<? extends Deployable> stage) {
    return vertx.deployVerticle(stage, new DeploymentOptions().setInstances(instances)).onSuccess(stages::add);
  }

  /** The gateway is warm: readiness may say ready. */
  public void warmed() {
    warming.set(false);
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

  /** The response cache (litellm_settings.cache), on or off. */
  public ResponseCache cache() {
    return cache;
  }

  /** The logging callbacks ({@code success_callback}, {@code failure_callback}, {@code callbacks}). */
  public Callbacks callbacks() {
    return observers.callbacks();
  }

  /** Slack / webhook alerting ({@code general_settings.alerting}). */
  public Alerting alerting() {
    return observers.alerting();
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
        .eventually(() -> observers == null ? Future.<Void>succeededFuture() : observers.close())
        .eventually(limiter::close)
        .eventually(cache::close)
        .eventually(() -> persistence.close(vertx))
        .eventually(() -> vertx.close())
        .eventually(tracing::close); // exports the spans still queued
  }
}
