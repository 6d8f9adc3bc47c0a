package dev.switchboard.pipeline;

import io.vertx.core.Future;

/**
 * One step of a request's chain. {@link #before} takes what the stage gives the request (a
 * principal, a permit, a reservation, an answer) or refuses it by failing; {@link #after} gives
 * back what {@code before} took. The {@link Chain} calls {@code after} exactly once for every
 * stage whose {@code before} succeeded, whatever happened later. A failed {@code before} must
 * leave nothing taken.
 */
public interface Stage<C extends RequestContext> {

  /** Short and stable: names the stage in spans, logs and metrics. */
  String name();

  /** Succeeds to go on (or with {@link RequestContext#answer} set, to stop with an answer); fails to refuse. */
  Future<Void> before(C request);

  /** The request's outcome is on the context ({@link RequestContext#failure()}). A failure here is logged, never answered. */
  default Future<Void> after(C request) {
    return Future.succeededFuture();
  }
}
