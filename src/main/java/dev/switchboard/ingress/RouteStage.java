package dev.switchboard.ingress;

import dev.switchboard.bus.Addresses;
import dev.switchboard.bus.Bus;
import dev.switchboard.pipeline.Stage;
import dev.switchboard.ratelimit.Release;
import dev.switchboard.routing.CallRouter;
import dev.switchboard.routing.CallSpec;
import io.vertx.core.Future;

/**
 * Routing and the relay ({@link CallRouter}: pick, relay, retries, fallbacks). A failed attempt's
 * deployment slot is given back at once while the permit stays with the request.
 */
final class RouteStage implements Stage<ModelCall> {

  private final Bus bus;
  private final CallRouter calls;

  RouteStage(Bus bus, CallRouter calls) {
    this.bus = bus;
    this.calls = calls;
  }

  @Override
  public String name() {
    return "route";
  }

  @Override
  public Future<Void> before(ModelCall request) {
    ModelRequest call = request.call;
    return calls.call(new CallSpec(request.requestId(), request.operation, call.body(), call.model(), call.stream(),
        call.includeUsage(), request.response, request.headers, request.startNanos(), request.principal,
        request.permit.estimatedTokens(), request.tags, request.models,
        (deployment, usage) -> bus.send(Addresses.RATELIMIT_RELEASE, Release.slot(request.permit, deployment, usage)),
        request.watch, CacheStage.collectBytes(request)),
        request.trace).map(result -> {
          request.result = result;
          return null;
        });
  }
}
