package dev.switchboard.relay;

import dev.switchboard.errors.GatewayError;
import dev.switchboard.spend.Usage;
import io.vertx.core.buffer.Buffer;

/**
 * How a provider call ended once it had answered.
 *
 * @param body                  the provider's JSON answer (non-streaming), or null for a stream
 * @param firstByteNanos        from request start to the first answer byte sent to the client
 * @param streamError           a failure after the stream had started (already told to the client)
 * @param clientGone            the client went away before the end; the upstream call was reset
 */
public record RelayResult(Buffer body, Usage usage, long firstByteNanos, GatewayError streamError, boolean clientGone) {
}
