package dev.switchboard.ingress;

import dev.switchboard.admin.AdminGuard;
import dev.switchboard.bus.Addresses;
import dev.switchboard.bus.Bus;
import dev.switchboard.config.ServerSettings;
import dev.switchboard.guardrail.Guardrails;
import dev.switchboard.errors.ErrorResponses;
import dev.switchboard.errors.ErrorClass;
import dev.switchboard.errors.GatewayError;
import dev.switchboard.log.Logs;
import dev.switchboard.log.Redactor;
import dev.switchboard.metrics.Metrics;
import dev.switchboard.doctor.Doctor;
import dev.switchboard.model.Operation;
import dev.switchboard.routing.ModelInfoRoutes;
import dev.switchboard.routing.LiveModels;
import dev.switchboard.routing.Routing;
import dev.switchboard.tracing.Tracing;
import dev.switchboard.store.DatabaseHealth;
import dev.switchboard.responses.ResponseStore;
import dev.switchboard.cache.ResponseCache;
import dev.switchboard.files.FileStore;
import dev.switchboard.spend.InFlight;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The HTTP server: routes, body limits and the OpenAI error shape for anything the router itself
 * refuses. Several instances share one port; each handles its connections on its own event loop.
 */
public final class HttpIngressVerticle extends VerticleBase {

  private static final Logger LOG = Logger.getLogger(HttpIngressVerticle.class.getName());

  /**
   * Where and how to listen, and what the routes need.
   *
   * @param port        0 for a random free port, shared by every instance
   * @param boundPort   where the port actually bound is told
   * @param adminRoutes mounts the admin API's routes (keys, users, teams, spend, routing state, reload),
   *                    behind the one {@link AdminGuard} this verticle puts in front of them
   * @param metricsAuth GET /metrics asks for the master key
   * @param doctor      the checks behind GET /health/doctor
   * @param drainSeconds on stop, how long requests and streams in flight may take to finish
   * @param routing     the attempt loop and deployment health
   * @param redisStatus Redis as readiness reports it: connected, unavailable, or null when not configured
   * @param tracing     request spans, or off
   * @param server      client timeouts and CORS
   * @param database    the database's state for readiness, or null without one
   * @param warming     whether the gateway is still warming up: readiness says 503 until it is not
   * @param responses   where translated Responses API answers are stored (or nowhere, without a database)
   * @param guardrails  the guardrails in force ({@code guardrails:}), which model calls run; a reload replaces them
   * @param logsPrompts whether a logging callback may log prompt text (streams then keep theirs, bounded)
   * @param inFlight    the model calls in flight, for the hanging-request alert ({@link InFlight#NONE} when it is off)
   * @param files       who owns which file and batch (or nothing, without a database)
   * @param cache       the response cache (litellm_settings.cache), off or on
   */
  public record Settings(String host, int port, AtomicInteger boundPort, long maxBodyBytes, LiveModels models,
      long startedEpochSeconds, Consumer<Router> adminRoutes, Metrics metrics, boolean metricsAuth, Doctor doctor,
      double drainSeconds, Routing routing, Supplier<String> redisStatus, Tracing tracing, ServerSettings server,
      DatabaseHealth database, BooleanSupplier warming, ResponseStore responses,
      Supplier<Guardrails> guardrails, BooleanSupplier logsPrompts, InFlight inFlight, FileStore files,
      ResponseCache cache) {
  }

  private final Bus bus;
  private final Settings settings;
  private HttpServer server;

  public HttpIngressVerticle(Bus bus, Settings settings) {
    this.bus = bus;
    this.settings = settings;
  }

  @Override
  public Future<?> start() {
    // Vert.x shares a server among instances by port; -1 is its "random, but shared" port.
    server = vertx.createHttpServer(new HttpServerOptions()
        .setHost(settings.host())
        .setPort(settings.port() == 0 ? -1 : settings.port())
        .setTcpNoDelay(true)
        .setCompressionSupported(false)
        // HTTP/1.1 only: with h2c on, Vert.x sees a connection (and its timers start) only once its
        // first bytes tell the protocol, so a silent connection would never be timed.
        .setHttp2ClearTextEnabled(false)
        // Every response is written on its connection's event loop, so writes go straight to the
        // channel: no cross-thread write queue per connection (a 4 KB array each, measured).
        .setStrictThreadMode(true));
    ClientConnections connections = new ClientConnections(vertx, settings.server());
    return server.connectionHandler(connections::connected).requestHandler(router(connections)).listen().onSuccess(bound -> settings.boundPort().set(bound.actualPort()));
  }

  private Router router(ClientConnections connections) {
    Router router = Router.router(vertx);
    router.route().handler(connections::requestArrived).failureHandler(ClientConnections::framingFailure);
    // Every request gets its id first, so every answer (errors included) and log line can carry it.
    router.route().handler(RequestIds::assign);
    router.route().handler(Cors.handler(settings.server()));
    InfoHandlers info = new InfoHandlers(bus, settings.models(), settings.startedEpochSeconds(),
        settings.database(), settings.routing().states(), settings.redisStatus(), settings.warming());
    // Checked while reading: a body over the limit is refused as soon as it is known, not buffered.
    BodyHandler body = BodyHandler.create(false).setBodyLimit(settings.maxBodyBytes());

    for (Operation operation : Operation.values()) {
      ModelCallHandler handler = new ModelCallHandler(bus, operation, settings.routing().calls(),
          settings.metrics(), settings.tracing(), settings.maxBodyBytes(), settings.responses(),
          settings.server().useXForwardedFor(), settings.guardrails(), settings.logsPrompts(), settings.inFlight(), settings.cache(),
          ModelCallHandler.serverModel(operation, settings.server()));
      router.post("/v1" + operation.path()).handler(handler);
      router.post(operation.path()).handler(handler);
      if (operation == Operation.RERANK) {
        router.post("/v2" + operation.path()).handler(handler); // LiteLLM serves Cohere's v2 path too
      }
      if (operation == Operation.IMAGE_GENERATION || operation == Operation.IMAGE_EDIT) {
        // LiteLLM's Azure-compatible path (AzureOpenAI clients): the deployment named in it is the model.
        router.postWithRegex("/openai/deployments/(?<model>.+)" + operation.path()).handler(handler);
      }
    }
    for (String path : new String[] {"/v1/models", "/models"}) {
      router.get(path).handler(info::models);
      router.get(path + "/*").handler(info::model);
    }
    new ModelInfoRoutes(bus, settings.models()).mount(router);
    new StoredResponsesHandler(vertx, bus, settings.responses(), settings.models()).mount(router);
    new FilesHandler(vertx, bus, settings.routing().calls(), settings.metrics(), settings.tracing(),
        settings.maxBodyBytes(), settings.files()).mount(router);
    CountTokensHandler counts = new CountTokensHandler(vertx, bus, settings.routing().calls(), settings.maxBodyBytes());
    router.post("/v1/messages/count_tokens").handler(counts::anthropic);
    router.post("/messages/count_tokens").handler(counts::anthropic);
    router.post("/utils/token_counter").handler(counts::litellm);
    AdminGuard.mount(router, bus, body, settings.metricsAuth());
    // After the guard (master key only), before the stored routes: it needs no database.
    new SpendCalculateHandler(settings.routing().calls()).mount(router);
    settings.adminRoutes().accept(router);
    router.get("/health/liveliness").handler(info::liveness);
    router.get("/health/liveness").handler(info::liveness);
    router.get("/health/readiness").handler(info::readiness);
    for (String path : AdminGuard.METRICS_PATHS) {
      router.get(path).handler(new MetricsHandler(settings.metrics()));
    }
    router.get("/health/doctor").handler(new DoctorHandler(settings.doctor()));
    dev.switchboard.ui.UiRoutes.mount(router); // the admin UI: static files, no key needed to load them

    // Paths are echoed with any key in them masked: /key/sk-.../regenerate is a secret in a URL.
    router.route().last().handler(ctx -> ErrorResponses.write(ctx.response(), GatewayError.notFound("not_found", null,
        "No endpoint " + ctx.request().method() + " " + Redactor.redact(ctx.request().path())
            + ". Try POST /v1/chat/completions or GET /v1/models.")));
    // The rest of an oversized body is never read, so its connection cannot carry another request.
    router.errorHandler(413, ctx -> ClientConnections.answerAndClose(ctx, GatewayError.of(ErrorClass.BAD_REQUEST, "request_too_large", "The request body is larger than "
            + settings.maxBodyBytes() / (1024 * 1024.0) + " MB (general_settings.max_request_size_mb).").withStatus(413)));
    router.errorHandler(403, Cors::refused);
    router.errorHandler(405, ctx -> ErrorResponses.write(ctx.response(), GatewayError.of(ErrorClass.BAD_REQUEST, "method_not_allowed", "Method " + ctx.request().method() + " is not allowed on " + Redactor.redact(ctx.request().path()) + ".").withStatus(405)));
    router.errorHandler(400, ctx -> ErrorResponses.write(ctx.response(),
        GatewayError.badRequest(null, "The request could not be read: malformed HTTP request or body.")));
    router.errorHandler(500, this::internalError);
    return router;
  }

  private void internalError(RoutingContext ctx) {
    if (ctx.failure() != null) {
      Logs.request(LOG, Level.SEVERE, RequestIds.of(ctx), "Unhandled failure on " + ctx.request().path(), ctx.failure());
    }
    ErrorResponses.write(ctx.response(), GatewayError.of(ctx.failure() == null ? new IllegalStateException() : ctx.failure()));
  }

  /** Stops accepting, lets what is in flight finish (up to the drain time), then closes what is left. */
  @Override
  public Future<?> stop() {
    if (server == null) {
      return Future.succeededFuture();
    }
    long drainMs = Math.round(settings.drainSeconds() * 1000);
    bus.publish(Addresses.DRAIN_STARTED, drainMs);
    return server.shutdown(drainMs, TimeUnit.MILLISECONDS);
  }
}
