package dev.switchboard.routing;

/**
 * Published on {@code router.cooldown}: {@code deploymentId} rests until {@code untilEpochMs}
 * (wall-clock, so another node reads it the same way); an {@code untilEpochMs} of 0 ends a
 * cooldown (an operator's reset).
 */
public record Cooldown(String deploymentId, long untilEpochMs, String reason) {
}
