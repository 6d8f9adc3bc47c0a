package dev.switchboard.ingress;

import dev.switchboard.errors.GatewayError;
import dev.switchboard.pipeline.Stage;
import dev.switchboard.routing.CallRouter;
import io.vertx.core.Future;

/**
 * The model exists and the key may use it (404 or 403). Before the limiter, which must not count a
 * request the gateway refuses anyway.
 */
final class AccessStage implements Stage<ModelCall> {

  private final CallRouter calls;

  AccessStage(CallRouter calls) {
    this.calls = calls;
  }

  @Override
  public String name() {
    return "access";
  }

  @Override
  public Future<Void> before(ModelCall request) {
    GatewayError refused = calls.refusal(request.models, request.model(), request.principal);
    return refused == null ? Future.succeededFuture() : Future.failedFuture(refused);
  }
}
