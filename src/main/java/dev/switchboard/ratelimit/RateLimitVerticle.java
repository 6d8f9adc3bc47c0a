package dev.switchboard.ratelimit;

import dev.switchboard.bus.Addresses;
import dev.switchboard.bus.Bus;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;

/** Serves {@code ratelimit.acquire} and {@code ratelimit.release} on its event loop; the decisions belong to the shared RateLimiter. */
public final class RateLimitVerticle extends VerticleBase {

  private final Bus bus;
  private final RateLimiter limiter;

  public RateLimitVerticle(Bus bus, RateLimiter limiter) {
    this.bus = bus;
    this.limiter = limiter;
  }

  @Override
  public Future<?> start() {
    return Future.all(
        bus.serve(Addresses.RATELIMIT_ACQUIRE, limiter::acquire),
        bus.consume(Addresses.RATELIMIT_RELEASE, limiter::release));
  }
}
