package dev.switchboard.routing;

import dev.switchboard.bus.Addresses;
import dev.switchboard.bus.Bus;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;

/** Serves {@code router.pick} on its event loop and applies the cooldowns announced on {@code router.cooldown} (by any node). */
public final class RouterVerticle extends VerticleBase {

  private final Bus bus;
  private final Router router;

  public RouterVerticle(Bus bus, Router router) {
    this.bus = bus;
    this.router = router;
  }

  @Override
  public Future<?> start() {
    return Future.all(bus.serve(Addresses.ROUTER_PICK, router::pick),
        bus.hear(Addresses.ROUTER_COOLDOWN, news -> router.states().apply(Cooldown.from(news))));
  }
}
