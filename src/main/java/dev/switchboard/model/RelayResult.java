package dev.switchboard.model;

import dev.switchboard.errors.GatewayError;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

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
 * @param streamedAnswer        a stream that ended well: its whole answer when its translator built one
 *                              ({@link StreamTranslator#completedAnswer}) or the relay assembled it for the
 *                              cache ({@link RelayCall#collectAnswerBytes}); null otherwise
 */
public record RelayResult(Buffer body, Usage usage, long firstByteNanos, GatewayError streamError, boolean clientGone,
    Runnable ending, JsonObject streamedAnswer) {

  /** The code of a deployment whose api_base is no usable URL (the operator's to fix; not the provider's failure). */
  public static final String INVALID_API_BASE = "invalid_api_base";
  /** The code of a request the gateway could not translate for the provider (its own bug; not the provider's failure). */
  public static final String UNTRANSLATABLE = "request_not_translatable";


  public RelayResult(Buffer body, Usage usage, long firstByteNanos, GatewayError streamError, boolean clientGone) {
    this(body, usage, firstByteNanos, streamError, clientGone, null, null);
  }

  public RelayResult(Buffer body, Usage usage, long firstByteNanos, GatewayError streamError, boolean clientGone,
      Runnable ending) {
    this(body, usage, firstByteNanos, streamError, clientGone, ending, null);
  }
}
