package dev.switchboard.ingress;

import dev.switchboard.auth.AuthCheck;
import dev.switchboard.auth.Credentials;
import dev.switchboard.auth.Principal;
import dev.switchboard.bus.Addresses;
import dev.switchboard.bus.Bus;
import dev.switchboard.errors.ErrorResponses;
import dev.switchboard.errors.GatewayError;
import dev.switchboard.log.Logs;
import dev.switchboard.metrics.Metrics;
import dev.switchboard.provider.Deployment;
import dev.switchboard.provider.Operation;
import dev.switchboard.ratelimit.Acquire;
import dev.switchboard.ratelimit.Permit;
import dev.switchboard.ratelimit.Release;
import dev.switchboard.relay.RelayCall;
import dev.switchboard.relay.RelayResult;
import dev.switchboard.routing.CallRouter;
import dev.switchboard.routing.CallSpec;
import dev.switchboard.routing.CallTrace;
import dev.switchboard.spend.BudgetCheck;
import dev.switchboard.spend.PriceBook;
import dev.switchboard.spend.Reservation;
import dev.switchboard.spend.SpendEvent;
import dev.switchboard.spend.Usage;
import dev.switchboard.tracing.RequestSpans;
import dev.switchboard.tracing.Tracing;
import io.opentelemetry.api.trace.Span;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.impl.RoutingContextInternal;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * {@code POST /v1/chat/completions}, {@code /v1/completions}, {@code /v1/embeddings}: parse, then
 * auth → model exists and the key may use it → rate limit over the event bus → routing ({@link CallRouter}: router → budget → relay, with
 * retries and fallbacks), then answer and hand the outcome to spend. Each stage can answer early
 * with an error; failures become HTTP answers in one place ({@link #finish}).
 */
final class ModelCallHandler implements Handler<RoutingContext> {

  private static final Logger LOG = Logger.getLogger(ModelCallHandler.class.getName());

  /** LiteLLM's header: what the request cost, in USD. */
  static final String COST_HEADER = RelayCall.COST_HEADER;
  /** The longest an answer waits for its spend row to be spooled. */
  private static final long SPOOL_WAIT_MS = 5_000;

  private final Bus bus;
  private final Operation operation;
  private final PriceBook prices;
  private final CallRouter calls;
  private final Metrics metrics;
  private final Tracing tracing;

  ModelCallHandler(Bus bus, Operation operation, PriceBook prices, CallRouter calls, Metrics metrics,
      Tracing tracing) {
    this.bus = bus;
    this.operation = operation;
    this.prices = prices;
    this.calls = calls;
    this.metrics = metrics;
    this.tracing = tracing;
  }

  /** What one request has learnt so far; owned by the request's event loop. */
  private static final class Exchange {
    final String requestId;
    final long startNanos = System.nanoTime();
    final long startMillis = System.currentTimeMillis();
    final RequestSpans spans;
    final CallTrace trace;
    ModelRequest call;
    /** {@code metadata.tags}, read once: routing filters by them and the spend row keeps them. */
    List<String> tags;
    Principal principal;
    Permit permit;
    Reservation reservation;
    /** Its spend row is already recorded (a stream records it before its last event). */
    boolean recorded;

    Exchange(String requestId, RequestSpans spans) {
      this.requestId = requestId;
      this.spans = spans;
      this.trace = new CallTrace(spans);
    }
  }

  @Override
  public void handle(RoutingContext ctx) {
    HttpServerResponse response = ctx.response();
    String requestId = RequestIds.of(ctx);
    Exchange exchange = new Exchange(requestId, tracing.request(ctx.request(), requestId));
    try {
      exchange.call = ModelRequest.parse(operation, ctx.body().buffer());
      // The raw bytes are not read again, and a stream would otherwise keep its whole prompt for
      // minutes (Vert.x Web has no public way to drop a body; its own handlers use this one).
      ((RoutingContextInternal) ctx).setBody(null);
      exchange.tags = tags(exchange.call.body().json());
    } catch (GatewayError invalid) {
      ErrorResponses.write(response, invalid, operation == Operation.MESSAGES);
      metrics.rejected(null, invalid.status(), invalid.type());
      RequestSpans.end(exchange.spans.root(), invalid.status(), invalid.type());
      return;
    }
    exchange.spans.root().setAttribute("gen_ai.request.model", exchange.call.model())
        .setAttribute("switchboard.stream", exchange.call.stream());
    RequestSpans.ending(bus.<Principal>request(Addresses.AUTH_CHECK,
            new AuthCheck(Credentials.from(ctx.request().headers()))), exchange.spans.start("auth"))
        .compose(principal -> {
          exchange.principal = principal;
          // Checked before the limiter, which must not count a request the gateway refuses anyway.
          GatewayError refused = calls.refusal(exchange.call.model(), principal);
          return refused != null ? Future.failedFuture(refused) : acquire(exchange);
        })
        .compose(permit -> {
          permit.headers().forEach(response::putHeader);
          if (!permit.granted()) {
            return Future.failedFuture(permit.denial());
          }
          exchange.permit = permit;
          // Routing owns the attempts (pick, relay, retries, fallbacks); the budget is reserved once, and a
          // failed attempt's deployment slot is given back at once while the permit stays with the request.
          return calls.call(new CallSpec(exchange.requestId, operation, exchange.call.body(), exchange.call.model(),
              exchange.call.stream(), exchange.call.includeUsage(), response, ctx.request().headers(),
              exchange.startNanos, exchange.principal, permit.estimatedTokens(), exchange.tags,
              deployment -> reserve(exchange, deployment),
              (deployment, usage) -> bus.send(Addresses.RATELIMIT_RELEASE, Release.slot(permit, deployment, usage)),
              (deployment, usage) -> prices.of(deployment).cost(usage),
              (deployment, ended) -> record(exchange, deployment, ended, 200, null,
                  System.nanoTime() - exchange.startNanos)),
              exchange.trace);
        })
        .onComplete(outcome -> finish(exchange, response, outcome));
  }

  /** The rate-limit stage's permit; its span says whether it was granted. */
  private Future<Permit> acquire(Exchange exchange) {
    Future<Permit> acquired = bus.request(Addresses.RATELIMIT_ACQUIRE, new Acquire(exchange.principal,
        exchange.call.model(), exchange.call.body()));
    if (!exchange.spans.on()) {
      return acquired;
    }
    Span span = exchange.spans.start("ratelimit");
    return acquired.andThen(done -> {
      GatewayError refused = done.failed() ? GatewayError.of(done.cause()) : done.result().denial();
      span.setAttribute("switchboard.ratelimit.granted", refused == null);
      RequestSpans.end(span, refused == null ? 0 : refused.status(), refused == null ? null : refused.type());
    });
  }

  private Future<Void> reserve(Exchange exchange, Deployment deployment) {
    return bus.<Reservation>request(Addresses.BUDGET_RESERVE, new BudgetCheck(exchange.requestId, exchange.principal,
        deployment, exchange.call.body(), exchange.startMillis)).map(reservation -> {
          exchange.reservation = reservation;
          return null;
        });
  }

  private void finish(Exchange exchange, HttpServerResponse response, AsyncResult<RelayResult> outcome) {
    RelayResult result = outcome.result();
    if (exchange.permit != null) {
      // Before answering, so the caller's next request already sees this one's slot and tokens given back;
      // a request refused after the limiter (budget, routing) before any provider call counts for nothing.
      bus.send(Addresses.RATELIMIT_RELEASE, outcome.failed() && !exchange.trace.providerCalled()
          ? Release.refused(exchange.permit, exchange.trace.heldSlot())
          : new Release(exchange.permit, exchange.trace.heldSlot(), result == null ? Usage.NONE : result.usage()));
    }
    if (outcome.failed() && !(outcome.cause() instanceof GatewayError)) {
      Logs.request(LOG, Level.SEVERE, exchange.requestId, "Request failed inside the gateway", outcome.cause());
    }
    GatewayError error = outcome.failed() ? GatewayError.of(outcome.cause()) : result.streamError();
    Usage usage = result == null ? Usage.NONE : result.usage();
    if (!response.headWritten()) {
      response.putHeader(COST_HEADER, RelayCall.costText(prices.of(exchange.trace.deployment()).cost(usage)));
    }
    int status = error != null ? error.status() : result.clientGone() ? 499 : 200;
    long durationNanos = System.nanoTime() - exchange.startNanos;
    endRoot(exchange, status, error);
    if (LOG.isLoggable(Level.FINE)) {
      Logs.request(LOG, Level.FINE, exchange.requestId, "model=" + exchange.call.model() + " stream="
          + exchange.call.stream() + " status=" + status + " deployment="
          + (exchange.trace.deployment() == null ? "-" : exchange.trace.deployment().id()) + " ms="
          + durationNanos / 1_000_000.0 + (error == null ? "" : " error=" + error.code()), null);
    }
    if (exchange.principal == null) {
      // Not authenticated: nothing is charged, and a flood of bad keys must not fill spend_logs.
      answer(response, outcome, error);
      metrics.rejected(exchange.call.model(), status, error == null ? null : error.type());
      return;
    }
    // The answer's last byte leaves only once its spend row is on disk: a gateway killed after it cannot lose the row.
    Future<Void> recorded = exchange.recorded ? Future.succeededFuture() : record(exchange, exchange.trace.deployment(),
        result, status, error == null ? (result.clientGone() ? "client_disconnected" : null) : error.type(), durationNanos);
    recorded.onComplete(spooled -> answer(response, outcome, error));
  }

  /** The error, or the provider's JSON answer (a stream has already been written by the relay). */
  private void answer(HttpServerResponse response, AsyncResult<RelayResult> outcome, GatewayError error) {
    if (outcome.failed()) {
      ErrorResponses.write(response, error, operation == Operation.MESSAGES);
    } else if (outcome.result().body() != null) {
      response.putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(outcome.result().body());
    }
  }

  /**
   * Hands the request's outcome to spend; completes once its row is spooled (bounded: trouble with
   * the spool delays no answer for long and fails none).
   */
  private Future<Void> record(Exchange exchange, Deployment deployment, RelayResult result, int status,
      String errorType, long durationNanos) {
    exchange.recorded = true;
    Usage usage = result == null ? Usage.NONE : result.usage();
    return bus.<Void>requestUnbounded(Addresses.SPEND_RECORD, new SpendEvent(exchange.requestId, exchange.call.model(), deployment,
        exchange.principal, exchange.reservation, usage, exchange.call.stream(), status, errorType, exchange.startMillis,
        durationNanos, result == null ? 0 : result.firstByteNanos(), exchange.trace.providerNanos(), exchange.tags,
        exchange.call.body().user())).timeout(SPOOL_WAIT_MS, TimeUnit.MILLISECONDS).otherwiseEmpty();
  }

  private static void endRoot(Exchange exchange, int status, GatewayError error) {
    Span root = exchange.spans.root();
    if (!root.isRecording()) {
      return;
    }
    root.setAttribute("switchboard.retries", exchange.trace.retries())
        .setAttribute("switchboard.fallbacks", exchange.trace.fallbacks());
    if (exchange.trace.deployment() != null) {
      root.setAttribute("switchboard.deployment.id", exchange.trace.deployment().id());
    }
    RequestSpans.end(root, status, error != null ? error.type() : status == 499 ? "client_disconnected" : null);
  }

  /** {@code metadata.tags}, the strings among them. */
  private static List<String> tags(JsonObject body) {
    if (body.getValue("metadata") instanceof JsonObject metadata && metadata.getValue("tags") instanceof JsonArray tags) {
      List<String> out = new ArrayList<>(tags.size());
      tags.forEach(tag -> {
        if (tag instanceof String text) {
          out.add(text);
        }
      });
      return out;
    }
    return List.of();
  }
}
