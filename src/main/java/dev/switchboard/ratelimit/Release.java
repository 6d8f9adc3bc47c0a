package dev.switchboard.ratelimit;

import dev.switchboard.provider.Deployment;
import dev.switchboard.spend.Usage;

/**
 * {@code ratelimit.release}: the request holding {@code permit} has ended (answered, failed or
 * abandoned); {@code deployment} is the one it held a slot on (null if none), {@code usage} what
 * it really used.
 */
public record Release(Permit permit, Deployment deployment, Usage usage) {
}
