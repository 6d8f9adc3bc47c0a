package dev.switchboard.ingress;

import dev.switchboard.bus.Bus;
import dev.switchboard.cache.ResponseCache;
import dev.switchboard.config.ServerSettings;
import dev.switchboard.errors.ErrorResponses;
import dev.switchboard.errors.GatewayError;
import dev.switchboard.guardrail.Guardrails;
import dev.switchboard.log.Logs;
import dev.switchboard.metrics.Metrics;
import dev.switchboard.pipeline.Chain;
import dev.switchboard.model.Operation;
import dev.switchboard.model.RelayCall;
import dev.switchboard.responses.ResponseStore;
import dev.switchboard.routing.CallRouter;
import dev.switchboard.tracing.RequestSpans;
import dev.switchboard.tracing.Tracing;
import io.opentelemetry.api.trace.Span;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import dev.switchboard.spend.InFlight;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * {@code POST /v1/chat/completions}, {@code /v1/completions}, {@code /v1/embeddings},
 * {@code /v1/messages}, {@code /v1/responses}: runs the request through its chain of stages, then answers it in one place
 * ({@link #answer}), once every stage has released what it took:
 *
 * <pre>
 *   parse → auth → spend log → access → stored responses → rate limits → budget → guardrails → mock_response → cache → route (relay, retries, fallbacks) → guardrails on the answer
 *   answer ← ............................ afters, in reverse order, whatever happened ............................. ←
 * </pre>
 */
final class ModelCallHandler implements Handler<RoutingContext> {

  private static final Logger LOG = Logger.getLogger(ModelCallHandler.class.getName());

  /** LiteLLM's header: what the request cost, in USD. */
  static final String COST_HEADER = RelayCall.COST_HEADER;

  private final Operation operation;
  private final CallRouter calls;
  private final Metrics metrics;
  private final Tracing tracing;
  private final Chain<ModelCall> chain;
  private final long maxBodyBytes;
  private final boolean useXForwardedFor;
  private final String serverModel;

  /**
   * @param maxBodyBytes     {@code general_settings.max_request_size_mb}, in bytes: a 413 above it
   * @param useXForwardedFor {@code general_settings.use_x_forwarded_for}: the client's address from X-Forwarded-For
   * @param serverModel      the model the server sends every such call to whatever its body names ({@link #serverModel}), or null
   */
  ModelCallHandler(Bus bus, Operation operation, CallRouter calls, Metrics metrics,
      Tracing tracing, long maxBodyBytes, ResponseStore responses, boolean useXForwardedFor,
      Supplier<Guardrails> guardrails, BooleanSupplier logsPrompts, InFlight inFlight, ResponseCache cache,
      String serverModel) {
    this.maxBodyBytes = maxBodyBytes;
    this.useXForwardedFor = useXForwardedFor;
    this.serverModel = serverModel;
    this.operation = operation;
    this.calls = calls;
    this.metrics = metrics;
    this.tracing = tracing;
    SpendLogStage spend = new SpendLogStage(bus, logsPrompts, inFlight);
    this.chain = new Chain<>(new ParseStage(), new AuthStage(bus), spend, new AccessStage(calls),
        new StoredResponsesStage(responses), new LimitsStage(bus), new BudgetStage(bus, calls), new GuardrailStage(guardrails),
        new MockResponseStage(), new CacheStage(cache, new SemanticLookup(bus, calls)), new RouteStage(bus, calls), new AnswerGuardrailStage());
  }

  /**
   * LiteLLM's server-side model for an operation: {@code general_settings.moderation_model} for moderations,
   * {@code image_generation_model} for image generations and edits; it wins over the body's model, as there.
   */
  static String serverModel(Operation operation, ServerSettings server) {
    return switch (operation) {
      case MODERATION -> server.moderationModel();
      case IMAGE_GENERATION, IMAGE_EDIT -> server.imageGenerationModel();
      default -> null;
    };
  }

  /** The stages, in order (for the design notes and tests). */
  Chain<ModelCall> chain() {
    return chain;
  }

  @Override
  public void handle(RoutingContext ctx) {
    ModelCallBody.read(ctx, maxBodyBytes).onSuccess(raw -> {
      String requestId = RequestIds.of(ctx);
      ModelCall request = new ModelCall(requestId, operation, calls.snapshot(), raw, ctx.request().headers(),
          ctx.response(), tracing.request(ctx.request(), requestId));
      request.clientIp = clientIp(ctx);
      String pathModel = ctx.pathParam("model");
      request.pathModel = pathModel != null ? pathModel : serverModel;
      chain.run(request).onComplete(done -> answer(request));
    });
  }

  /**
   * The client's address: with {@code use_x_forwarded_for}, the first of X-Forwarded-For (the client as the
   * first proxy saw it; LiteLLM keeps the header whole, which is the same for one proxy), else the peer's.
   */
  private String clientIp(RoutingContext ctx) {
    String forwarded = useXForwardedFor ? ctx.request().getHeader("x-forwarded-for") : null;
    if (forwarded != null && !forwarded.isBlank()) {
      return forwarded.split(",")[0].trim();
    }
    return ctx.request().remoteAddress() == null ? null : ctx.request().remoteAddress().hostAddress();
  }

  /** The error, the provider's JSON answer, or the end of a stream the relay has written the rest of. */
  private void answer(ModelCall request) {
    HttpServerResponse response = request.response;
    if (request.failed() && !(request.failure() instanceof GatewayError)) {
      Logs.request(LOG, Level.SEVERE, request.requestId(), "Request failed inside the gateway", request.failure());
    }
    GatewayError error = request.error();
    if (request.call != null && !response.headWritten()) {
      response.putHeader(COST_HEADER, RelayCall.costText(request.models.price(request.trace.deployment()).cost(request.usage())));
    }
    int status = request.status();
    endRoot(request, status, error);
    if (LOG.isLoggable(Level.FINE)) {
      Logs.request(LOG, Level.FINE, request.requestId(), "model=" + request.model() + " stream="
          + (request.call != null && request.call.stream()) + " status=" + status + " deployment="
          + (request.trace.deployment() == null ? "-" : request.trace.deployment().id()) + " ms="
          + (System.nanoTime() - request.startNanos()) / 1_000_000.0 + (error == null ? "" : " error=" + error.code()),
          null);
    }
    if (request.failed()) {
      ErrorResponses.write(response, error, operation == Operation.MESSAGES);
    } else if (request.result.body() != null) {
      response.putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(request.result.body());
    } else if (request.result.ending() != null) {
      request.result.ending().run(); // a stream's last event, now that its spend row is spooled
    }
    if (request.principal == null) {
      // Not authenticated: nothing is charged, and a flood of bad keys must not fill spend_logs.
      metrics.rejected(request.model(), status, error == null ? null : error.type());
    }
  }

  private static void endRoot(ModelCall request, int status, GatewayError error) {
    Span root = request.spans.root();
    if (!root.isRecording()) {
      return;
    }
    root.setAttribute("switchboard.retries", request.trace.retries())
        .setAttribute("switchboard.fallbacks", request.trace.fallbacks());
    if (request.trace.deployment() != null) {
      root.setAttribute("switchboard.deployment.id", request.trace.deployment().id());
    }
    RequestSpans.end(root, status, error != null ? error.type() : status == 499 ? "client_disconnected" : null);
  }
}
