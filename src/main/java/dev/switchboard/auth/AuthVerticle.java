package dev.switchboard.auth;

import dev.switchboard.model.KeyForgotten;
import dev.switchboard.bus.Addresses;
import dev.switchboard.bus.Bus;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;

/** Serves {@code auth.check} on its event loop; the decisions belong to the shared Authenticator. */
public final class AuthVerticle extends VerticleBase {

  private final Bus bus;
  private final Authenticator authenticator;

  public AuthVerticle(Bus bus, Authenticator authenticator) {
    this.bus = bus;
    this.authenticator = authenticator;
  }

  @Override
  public Future<?> start() {
    return Future.all(
        bus.serve(Addresses.AUTH_CHECK, authenticator::check),
        bus.hear(Addresses.AUTH_FORGET, news -> authenticator.forget(KeyForgotten.from(news).tokenHash())));
  }
}
