package dev.switchboard.model;

import io.vertx.core.Future;

/**
 * Lets a request through to one deployment of a group: at once when one has room under its rpm,
 * tpm and parallel bounds, later (or never) when all are saturated. The rate-limit stage
 * provides the real one; {@link #UNBOUNDED} picks at once, ignoring bounds.
 */
public interface DeploymentGate {

  DeploymentGate UNBOUNDED = (candidates, principal, estimatedTokens) -> Future.succeededFuture(candidates.pick(deployment -> true));

  /**
   * A deployment among {@code candidates} whose slot is now taken for this request, or a failure
   * (429); null when the candidates accept none at all.
   *
   * @param principal       who asks (the fair queue's tenant)
   * @param estimatedTokens what the request is expected to use, against the deployments' tpm
   */
  Future<Deployment> admit(Candidates candidates, Principal principal, long estimatedTokens);
}
