package dev.switchboard.ingress;

import dev.switchboard.bus.Addresses;
import dev.switchboard.bus.Bus;
import dev.switchboard.errors.GatewayError;
import dev.switchboard.pipeline.Stage;
import dev.switchboard.ratelimit.Acquire;
import dev.switchboard.ratelimit.Permit;
import dev.switchboard.ratelimit.Release;
import dev.switchboard.tracing.RequestSpans;
import io.opentelemetry.api.trace.Span;
import io.vertx.core.Future;

/**
 * Rate limits and the fair queue: a permit from the RateLimit verticle (its headers go on the
 * answer whatever happens), given back after the call with what it used. A request refused later
 * before any provider call (budget, routing) counts for nothing.
 */
final class LimitsStage implements Stage<ModelCall> {

  private final Bus bus;

  LimitsStage(Bus bus) {
    this.bus = bus;
  }

  @Override
  public String name() {
    return "ratelimit";
  }

  @Override
  public Future<Void> before(ModelCall request) {
    Future<Permit> acquired = bus.hop(Addresses.RATELIMIT_ACQUIRE, new Acquire(request.principal,
        request.model(), request.call.body()));
    if (request.spans.on()) {
      Span span = request.spans.start("ratelimit");
      acquired = acquired.andThen(done -> {
        GatewayError refused = done.failed() ? GatewayError.of(done.cause()) : done.result().denial();
        span.setAttribute("switchboard.ratelimit.granted", refused == null);
        RequestSpans.end(span, refused == null ? 0 : refused.status(), refused == null ? null : refused.type());
      });
    }
    return acquired.compose(permit -> {
      permit.headers().forEach(request.response::putHeader);
      if (!permit.granted()) {
        return Future.failedFuture(permit.denial());
      }
      request.permit = permit;
      return Future.succeededFuture();
    });
  }

  /** Before the answer, so the caller's next request already sees this one's slot and tokens given back. */
  @Override
  public Future<Void> after(ModelCall request) {
    bus.send(Addresses.RATELIMIT_RELEASE, request.failed() && !request.trace.providerCalled()
        ? Release.refused(request.permit, request.trace.heldSlot())
        : new Release(request.permit, request.trace.heldSlot(), request.usage()));
    return Future.succeededFuture();
  }
}
