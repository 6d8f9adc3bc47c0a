package dev.switchboard.ratelimit;

import dev.switchboard.model.Deployment;
import dev.switchboard.model.Usage;

/**
 * {@code ratelimit.release}: the request holding {@code permit} has ended (answered, failed or
 * abandoned); {@code deployment} is the one it held a slot on (null if none), {@code usage} what
 * it really used. A {@code slotOnly} release gives back the deployment's slot alone: an attempt that
 * failed and was retried elsewhere, while the request (and its permit) goes on. A {@code refused}
 * release is a request the gateway refused after admitting it (budget, routing) before any provider
 * was called: it gives back its request count and its tokens too, as if it had never been counted.
 */
public record Release(Permit permit, Deployment deployment, Usage usage, boolean slotOnly, boolean refused) {

  public Release(Permit permit, Deployment deployment, Usage usage) {
    this(permit, deployment, usage, false, false);
  }

  /** The slot {@code deployment} held for a failed attempt of the request holding {@code permit}. */
  public static Release slot(Permit permit, Deployment deployment, Usage usage) {
    return new Release(permit, deployment, usage, true, false);
  }

  /** The request holding {@code permit} was refused before it reached a provider: nothing of it counts. */
  public static Release refused(Permit permit, Deployment deployment) {
    return new Release(permit, deployment, Usage.NONE, false, true);
  }
}
