package dev.switchboard.routing;

import dev.switchboard.model.Principal;
import dev.switchboard.bus.Bus;
import dev.switchboard.config.RoutingSettings;
import dev.switchboard.errors.GatewayError;
import dev.switchboard.model.Deployment;
import dev.switchboard.model.RelayResult;
import dev.switchboard.tracing.RequestSpans;
import io.opentelemetry.api.trace.Span;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Where the ingress hands a model call to routing (one per gateway, shared by every event loop):
 * each request runs its own {@link RoutedCall} (retries, fallbacks, timeouts), and with
 * {@code general_settings.enable_request_deduplication} identical concurrent non-streaming requests
 * of one key share one.
 */
public final class CallRouter {

  /** What a shared call gives each of its clients. */
  private record Shared(RelayResult result, Deployment deployment) {
  }

  private final Vertx vertx;
  private final Bus bus;
  private final Router router;
  private final double requestTimeoutSeconds;
  private final Map<String, Future<Shared>> inFlight = new ConcurrentHashMap<>();
  private final AtomicLong deduplicated = new AtomicLong();

  /** @param requestTimeoutSeconds {@code litellm_settings.request_timeout}, the total bound when router_settings.timeout is unset */
  public CallRouter(Vertx vertx, Bus bus, Router router, double requestTimeoutSeconds) {
    this.vertx = vertx;
    this.bus = bus;
    this.router = router;
    this.requestTimeoutSeconds = requestTimeoutSeconds;
  }

  /** Whether {@code model} exists and {@code principal} may use it: the 404 or 403 to answer, or null. */
  public GatewayError refusal(LiveModels.Snapshot models, String model, Principal principal) {
    return router.refusal(models, model, principal);
  }

  /** What a budget reserves against before a deployment is picked (see {@link Router#dearest}). */
  public Deployment dearest(LiveModels.Snapshot models, String model) {
    return router.dearest(models, model);
  }

  /** The runtime snapshot in force: what a request arriving now runs on, to its end. */
  public LiveModels.Snapshot snapshot() {
    return router.states().models().current();
  }

  /** The answer of one admitted call; {@code trace} tells the caller which deployment served it. */
  public Future<RelayResult> call(CallSpec spec, CallTrace trace) {
    if (!trace.spans.on()) {
      return route(spec, trace);
    }
    Span route = trace.spans.start("route").setAttribute("gen_ai.request.model", spec.model());
    trace.route = route;
    return route(spec, trace).andThen(done -> {
      route.setAttribute("switchboard.retries", trace.retries).setAttribute("switchboard.fallbacks", trace.fallbacks);
      if (trace.deployment != null) {
        route.setAttribute("switchboard.deployment.id", trace.deployment.id())
            .setAttribute("switchboard.model_group", trace.deployment.modelGroup());
      }
      GatewayError error = done.failed() ? GatewayError.of(done.cause()) : done.result().streamError();
      RequestSpans.end(route, error == null ? 0 : error.status(), error == null ? null : error.type());
    });
  }

  private Future<RelayResult> route(CallSpec spec, CallTrace trace) {
    if (!spec.models().settings().requestDeduplication() || spec.stream()) {
      return new RoutedCall(this, spec, trace, spec.response()).run();
    }
    String key = dedupKey(spec);
    Promise<Shared> mine = Promise.promise();
    Future<Shared> existing = inFlight.putIfAbsent(key, mine.future());
    if (existing != null) {
      return follow(existing, spec, trace);
    }
    // No client's response goes to the relay: one client leaving must not cancel the others' answer.
    return new RoutedCall(this, spec, trace, null).run().andThen(done -> {
      inFlight.remove(key, mine.future());
      if (done.succeeded()) {
        mine.complete(new Shared(done.result(), trace.deployment));
      } else {
        mine.fail(done.cause());
      }
    });
  }

  /** Waits for the identical call in flight and takes its answer (this request's own budget stage reserved for it). */
  private Future<RelayResult> follow(Future<Shared> leader, CallSpec spec, CallTrace trace) {
    deduplicated.incrementAndGet();
    trace.route.setAttribute("switchboard.deduplicated", true);
    Context context = vertx.getOrCreateContext();
    Promise<RelayResult> answer = Promise.promise();
    leader.onComplete(shared -> context.runOnContext(v -> {
      if (shared.failed()) {
        answer.fail(shared.cause());
        return;
      }
      Deployment deployment = shared.result().deployment();
      trace.deployment = deployment;
      if (!spec.response().headWritten()) {
        announce(spec.response(), deployment, trace);
      }
      answer.complete(shared.result().result());
    }));
    return answer.future();
  }

  /** Same caller, same operation, same body. */
  private static String dedupKey(CallSpec spec) {
    String caller = spec.principal().key() != null ? spec.principal().key().tokenHash() : spec.principal().keyAlias();
    return caller + '\n' + spec.operation() + '\n' + spec.body().json().encode();
  }

  static void announce(HttpServerResponse response, Deployment deployment, CallTrace trace) {
    response.putHeader("x-litellm-model-id", deployment.id())
        .putHeader("x-litellm-model-group", deployment.modelGroup())
        .putHeader("x-litellm-attempted-retries", Integer.toString(trace.retries))
        .putHeader("x-litellm-attempted-fallbacks", Integer.toString(trace.fallbacks));
  }

  /** Requests answered by sharing an identical request's call. */
  public long deduplicated() {
    return deduplicated.get();
  }

  Vertx vertx() {
    return vertx;
  }

  Bus bus() {
    return bus;
  }

  Router router() {
    return router;
  }

  DeploymentStates states() {
    return router.states();
  }

  /** The bound on a request's attempts, retries and fallbacks together, under its own settings. */
  long totalTimeoutMs(RoutingSettings settings) {
    double total = settings.totalTimeoutSeconds() != null ? settings.totalTimeoutSeconds() : requestTimeoutSeconds;
    return Math.max(1, Math.round(total * 1000));
  }
}
