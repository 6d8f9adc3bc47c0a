package dev.switchboard.ingress;

import dev.switchboard.model.AuthCheck;
import dev.switchboard.model.Credentials;
import dev.switchboard.model.Principal;
import dev.switchboard.bus.Addresses;
import dev.switchboard.bus.Bus;
import dev.switchboard.pipeline.Stage;
import dev.switchboard.tracing.RequestSpans;
import io.vertx.core.Future;

/** Who is calling: the Auth verticle's answer for the request's key, or its 401. */
final class AuthStage implements Stage<ModelCall> {

  private final Bus bus;

  AuthStage(Bus bus) {
    this.bus = bus;
  }

  @Override
  public String name() {
    return "auth";
  }

  @Override
  public Future<Void> before(ModelCall request) {
    return RequestSpans.ending(bus.<Principal>hop(Addresses.AUTH_CHECK, new AuthCheck(Credentials.from(request.headers))),
        request.spans.start("auth")).map(principal -> {
          request.principal = principal;
          return null;
        });
  }
}
