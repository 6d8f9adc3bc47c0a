package dev.switchboard.routing;

import dev.switchboard.bus.Addresses;
import dev.switchboard.errors.ErrorClass;
import dev.switchboard.errors.GatewayError;
import dev.switchboard.errors.GatewayError.Fallback;
import dev.switchboard.model.Deployment;
import dev.switchboard.model.RelayCall;
import dev.switchboard.model.RelayResult;
import dev.switchboard.model.Usage;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The attempt loop of one request: pick a deployment, call it through its circuit breaker, and on
 * a failure retry (elsewhere in the group at once, else the same deployment after a backoff), then
 * fall back to other model groups. Everything happens before the first byte reaches the client: a
 * stream that fails after it ends with an error event, never with a retry or a prefill. The whole
 * loop is bounded by the request's total timeout. Lives on the request's event loop.
 */
final class RoutedCall {

  static final String CIRCUIT_OPEN = "circuit_open";

  /** What an attempt whose client left gives back: no answer, no usage, nobody's failure. */
  private static final RelayResult CANCELLED = new RelayResult(null, Usage.NONE, 0, null, true);

  private final CallRouter owner;
  private final CallSpec spec;
  private final CallTrace trace;
  private final HttpServerResponse relayResponse;
  /** The loop that owns {@link #relayResponse}: this call is made on it. */
  private final Context home;
  private final long deadlineNanos;
  private final long totalMs;
  private final Long requestTimeoutMs;
  private final Long requestStreamTimeoutMs;
  /** The provider's failure that led to the current retry: what the client hears if no deployment is left for it. */
  private GatewayError retrying;
  /** Attempts made so far, over retries and fallbacks (for the attempt spans). */
  private int attempts;

  /** @param relayResponse the response the relay may write to or watch; null for a call shared by several clients */
  RoutedCall(CallRouter owner, CallSpec spec, CallTrace trace, HttpServerResponse relayResponse) {
    this.owner = owner;
    this.spec = spec;
    this.trace = trace;
    this.relayResponse = relayResponse;
    this.home = relayResponse == null ? null : Vertx.currentContext();
    this.requestTimeoutMs = millis(spec.body().json(), "timeout");
    this.requestStreamTimeoutMs = millis(spec.body().json(), "stream_timeout");
    this.totalMs = requestTimeoutMs != null ? requestTimeoutMs : owner.totalTimeoutMs(spec.models().settings());
    this.deadlineNanos = spec.startNanos() + totalMs * 1_000_000;
  }

  Future<RelayResult> run() {
    boolean noFallback = Fallbacks.forFailure(spec.model(), ErrorClass.SERVICE_UNAVAILABLE, spec.body().json(),
        spec.models().settings()).isEmpty();
    return group(spec.model(), noFallback).recover(this::fallBack);
  }

  /** @param lastResort nothing comes after this group: if all its circuits are open, panic mode may probe one */
  private Future<RelayResult> group(String name, boolean lastResort) {
    retrying = null;
    Promise<RelayResult> done = Promise.promise();
    attempt(name, lastResort, new HashSet<>(), 0, done);
    return done.future();
  }

  private void attempt(String group, boolean lastResort, Set<String> excluded, int retry, Promise<RelayResult> done) {
    if (spec.response() != null && spec.response().closed()) {
      done.complete(CANCELLED);
      return;
    }
    PickRequest pick = new PickRequest(group, spec.principal(), spec.estimatedTokens(), Set.copyOf(excluded),
        spec.tags(), spec.stream(), lastResort, spec.models());
    AttemptSpans spans = AttemptSpans.start(trace.spans, trace.route, group, retry, !group.equals(spec.model()),
        ++attempts);
    // Unbounded: a saturated model group's fair queue bounds the wait itself (queue_timeout).
    owner.bus().<Deployment>hop(Addresses.ROUTER_PICK, pick).onComplete(picked -> {
      if (picked.failed()) {
        GatewayError refused = GatewayError.of(picked.cause());
        spans.finished(null, refused);
        // A retry finding every deployment resting (the failure just cooled it down) ends with that failure.
        GatewayError failure = RetryRules.pickFailure(refused);
        done.fail(retrying != null && failure.fallback() == Fallback.ALLOWED ? retrying : failure);
        return;
      }
      Deployment deployment = picked.result();
      trace.deployment = deployment;
      trace.slotHeld = true;
      spans.picked(deployment);
      callDeployment(deployment, spans).onComplete(outcome -> {
        if (outcome.succeeded()) {
          done.complete(outcome.result());
        } else {
          retryOrFail(group, lastResort, excluded, retry, deployment, GatewayError.of(outcome.cause()), done);
        }
      });
    });
  }

  private Future<RelayResult> callDeployment(Deployment deployment, AttemptSpans spans) {
    DeploymentState state = owner.states().state(deployment);
    Breaker.Permit permit = state.breaker.acquire(owner.states().now());
    if (permit == Breaker.Permit.REFUSED) {
      // Another request took the half-open probe between the pick and now: this one does not call it.
      GatewayError open = GatewayError.of(ErrorClass.SERVICE_UNAVAILABLE, CIRCUIT_OPEN, "The circuit of "
          + deployment.describe() + " is open after repeated failures; it is being probed.").withRetryAfter("1");
      releaseSlot(deployment);
      spans.finished(null, open);
      return Future.failedFuture(open);
    }
    state.started(owner.states().now());
    state.inFlight.incrementAndGet();
    announce(deployment);
    trace.providerCalled = true;
    long attemptStart = System.nanoTime();
    Promise<Integer> responded = Promise.promise();
    long timeoutMs = Math.max(1, Math.min(requestTimeoutMs != null ? requestTimeoutMs : deployment.timeoutMs(),
        Math.max(1, remainingMs()))); // never past the request's total deadline
    RelayCall call = new RelayCall(spec.requestId(), spec.operation(), deployment, timeoutMs,
        requestStreamTimeoutMs != null ? requestStreamTimeoutMs : deployment.streamTimeoutMs(), spec.body(), spec.stream(),
        spec.includeUsage(), relayResponse, home, spec.clientHeaders(), spec.startNanos(),
        usage -> spec.models().price(deployment).cost(usage), responded,
        relayResponse != null, spec.guard(), spec.collectAnswerBytes());
    if (spans.on()) {
      responded.future().onSuccess(spans::responded);
    }
    AttemptVerdict verdict = new AttemptVerdict(owner.states(), state, permit);
    responded.future().onSuccess(verdict::responded);
    return owner.bus().<RelayResult>hop(Addresses.RELAY_CALL, call)
        // A client that left ended the attempt (the relay reset the upstream request): nobody's failure.
        .recover(failure -> clientLeft() ? Future.succeededFuture(CANCELLED) : Future.failedFuture(failure))
        .andThen(done -> {
          long latencyNanos = System.nanoTime() - attemptStart;
          trace.providerNanos += latencyNanos;
          RelayResult result = done.succeeded() ? done.result() : null;
          GatewayError error = done.failed() ? GatewayError.of(done.cause()) : null;
          spans.finished(result, error);
          state.inFlight.decrementAndGet();
          if (error != null) {
            releaseSlot(deployment);
          }
          if (error != null ? Blame.of(error) != Blame.GATEWAY : !result.clientGone()) {
            attempted(deployment, error != null ? error : result.streamError()); // the provider was called and answered
          }
          long firstToken = result != null && spec.stream() && result.firstByteNanos() > 0
              ? Math.max(1, result.firstByteNanos() - (attemptStart - spec.startNanos())) : 0;
          verdict.ended(result, error, latencyNanos, firstToken);
        });
  }

  /** The client whose response this attempt relays to went away (a call shared by several clients has none). */
  private boolean clientLeft() {
    return relayResponse != null && relayResponse.closed();
  }

  /** One call to a deployment, for its success / failure counters (a request with retries makes several). */
  private void attempted(Deployment deployment, GatewayError error) {
    owner.states().metrics().attempt(deployment, error == null, error == null ? 200 : error.status(),
        error == null ? null : error.type(), spec.principal().keyAlias(), team());
  }

  private String team() {
    return spec.principal().key() == null ? null : spec.principal().key().teamId();
  }

  private void releaseSlot(Deployment deployment) {
    if (trace.slotHeld && trace.deployment == deployment) {
      trace.slotHeld = false;
      spec.releaseSlot().accept(deployment, Usage.NONE);
    }
  }

  private void retryOrFail(String group, boolean lastResort, Set<String> excluded, int retry, Deployment deployment,
      GatewayError error, Promise<RelayResult> done) {
    if (spec.response() != null && spec.response().headWritten()) {
      done.fail(error.withFallback(Fallback.NONE)); // bytes reached the client: never retried, never prefilled
      return;
    }
    if (Blame.of(error) == Blame.GATEWAY || retry >= RetryRules.allowed(spec.models().settings(), spec.body().json(), deployment, error,
        () -> owner.router().hasAlternative(spec.models(), group, Set.of(deployment.id())))) {
      done.fail(error);
      return;
    }
    excluded.add(deployment.id());
    boolean elsewhere = owner.router().hasAlternative(spec.models(), group, excluded);
    long capMs = Math.round(spec.models().settings().retryAfterCapSeconds() * 1000);
    if (!elsewhere && error.retryAfterMillis() > capMs) {
      done.fail(error); // the provider asks for longer than max_retry_after: the client hears it at once
      return;
    }
    long delayMs = elsewhere ? 0 : Backoff.delayMs(retry, error.retryAfterMillis(), capMs);
    if (remainingMs() <= delayMs) {
      done.fail(error.withMessage(error.getMessage() + " Not retried: the request's total timeout of "
          + totalMs / 1000.0 + " s would be exceeded."));
      return;
    }
    trace.retries++;
    retrying = error;
    if (delayMs == 0) {
      attempt(group, lastResort, excluded, retry + 1, done);
    } else {
      owner.vertx().setTimer(delayMs, id -> attempt(group, lastResort, excluded, retry + 1, done));
    }
  }

  private Future<RelayResult> fallBack(Throwable failure) {
    GatewayError original = GatewayError.of(failure);
    if (original.fallback() != Fallback.ALLOWED) {
      return Future.failedFuture(original);
    }
    ErrorClass errorClass = original.errorClass();
    // No fallback helps the request's own error (400, 422) or the gateway's, so none is tried or named. An upstream
    // 404 is the deployment's (its provider lacks the model the config names): another group may well have it.
    if (errorClass == ErrorClass.BAD_REQUEST || errorClass == ErrorClass.UNPROCESSABLE_ENTITY
        || Blame.of(original) == Blame.GATEWAY
        || (spec.response() != null && spec.response().headWritten())) {
      return Future.failedFuture(original);
    }
    List<String> chain = Fallbacks.forFailure(spec.model(), errorClass, spec.body().json(), spec.models().settings());
    if (chain.isEmpty()) {
      return Future.failedFuture(original.withMessage("no fallback configured for model group " + spec.model()
          + " (fallbacks: " + Fallbacks.describe(spec.model(), spec.models().settings(), spec.body().json()) + "); last error: "
          + original.getMessage()));
    }
    return next(chain, 0, original, original, new ArrayList<>());
  }

  private Future<RelayResult> next(List<String> chain, int index, GatewayError original, GatewayError last,
      List<String> tried) {
    if (index == chain.size() || remainingMs() <= 0) {
      String why = index == chain.size() ? "all fallbacks failed" : "the request's total timeout of " + totalMs / 1000.0
          + " s ran out during fallbacks";
      return Future.failedFuture(original.withMessage(why + " for model group " + spec.model() + " (tried: "
          + String.join(", ", tried) + "); last error: " + last.getMessage()));
    }
    String fallback = chain.get(index);
    tried.add(fallback);
    trace.fallbacks++;
    return group(fallback, index == chain.size() - 1).andThen(done -> owner.states().metrics().fallback(spec.model(), fallback, done.succeeded(),
        original.status(), original.type(), spec.principal().keyAlias(), team())).recover(failure -> {
      GatewayError error = GatewayError.of(failure);
      if (error.fallback() == Fallback.NONE) {
        return Future.failedFuture(error);
      }
      return next(chain, index + 1, original, error, tried);
    });
  }

  private long remainingMs() {
    return (deadlineNanos - System.nanoTime()) / 1_000_000;
  }

  /** LiteLLM's headers, so clients see where an answer came from and what it took. */
  private void announce(Deployment deployment) {
    HttpServerResponse response = spec.response();
    if (response != null && !response.headWritten()) {
      CallRouter.announce(response, deployment, trace);
    }
  }

  private static Long millis(JsonObject body, String field) {
    return body.getValue(field) instanceof Number seconds && seconds.doubleValue() > 0
        ? Math.max(1, Math.round(seconds.doubleValue() * 1000)) : null;
  }
}
