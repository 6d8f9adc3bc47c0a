package dev.switchboard.ratelimit;

import dev.switchboard.provider.Deployment;
import dev.switchboard.spend.Usage;

/**
 * {@code ratelimit.release}: the request holding {@code permit} has ended (answered, failed or
 * abandoned); {@code deployment} is the one it held a slot on (null if none), {@code usage} what
 * it really used. A {@code slotOnly} release gives back the deployment's slot alone: an attempt that
 * failed and was retried elsewhere, while the request (and its permit) goes on.
 */
public record Release(Permit permit, Deployment deployment, Usage usage, boolean slotOnly) {

  public Release(Permit permit, Deployment deployment, Usage usage) {
    this(permit, deployment, usage, false);
  }

  /** The slot {@code deployment} held for a failed attempt of the request holding {@code permit}. */
  public static Release slot(Permit permit, Deployment deployment, Usage usage) {
    return new Release(permit, deployment, usage, true);
  }
}
