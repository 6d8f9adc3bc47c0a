package dev.switchboard.relay;

import dev.switchboard.errors.GatewayError;
import dev.switchboard.model.Usage;
import io.vertx.core.buffer.Buffer;

/**
 * How a provider call ended once it had answered.
 *
 * @param body                  the provider's JSON answer (non-streaming), or null for a stream
 * @param firstByteNanos        from request start to the first answer byte sent to the client
 * @param streamError           a failure after the stream had started (already told to the client)
 * @param clientGone            the client went away before the end; the upstream call was reset
 * @param ending                for a stream that ended well and was asked to hold its end: writes its last
 *                              event ({@code [DONE]}, {@code message_stop}), the cost trailer, and ends the
 *                              response (nothing if the client has left); null otherwise
 */
public record RelayResult(Buffer body, Usage usage, long firstByteNanos, GatewayError streamError, boolean clientGone,
    Runnable ending) {

  public RelayResult(Buffer body, Usage usage, long firstByteNanos, GatewayError streamError, boolean clientGone) {
    this(body, usage, firstByteNanos, streamError, clientGone, null);
  }
}
