package dev.switchboard.spend;

import dev.switchboard.provider.Deployment;

/**
 * {@code spend.record}: what one request used and how it ended. {@code deployment} is null when
 * the request failed before a deployment was chosen; {@code errorType} is null on success.
 */
public record SpendEvent(
    String requestId,
    String model,
    Deployment deployment,
    String keyAlias,
    Usage usage,
    boolean stream,
    int status,
    String errorType,
    long startEpochMillis,
    long durationNanos,
    long timeToFirstByteNanos) {
}
