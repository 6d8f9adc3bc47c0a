package dev.switchboard.routing;

import dev.switchboard.provider.Deployment;
import io.vertx.core.Future;

/**
 * Lets a request through to one deployment of a group: at once when one has room under its rpm,
 * tpm and parallel bounds, later (or never) when all are saturated. The rate-limit stage
 * provides the real one; {@link #UNBOUNDED} picks at once, ignoring bounds.
 */
public interface DeploymentGate {

  DeploymentGate UNBOUNDED = (candidates, request) -> Future.succeededFuture(candidates.pick(deployment -> true));

  /**
   * A deployment among {@code candidates} whose slot is now taken for this request, or a failure
   * (429); null when the candidates accept none at all.
   */
  Future<Deployment> admit(Candidates candidates, PickRequest request);
}
