package dev.switchboard.spend;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

/**
 * What a request said and was answered, for the logging callbacks only: held by reference (no
 * copy, no parse) until a sink's own thread turns it into an event, or dropped with it.
 *
 * @param request        the client's parsed request body, or null (a stream's is released when its answer
 *                       begins, so the prompt of a stream is not kept for minutes)
 * @param requestBytes   about how many bytes {@code request} holds
 * @param response       the JSON answer of a call that did not stream, or null
 * @param streamedAnswer a stream's whole answer when its translator built one, or null
 */
public record CallContent(JsonObject request, long requestBytes, Buffer response, JsonObject streamedAnswer) {

  public static final CallContent NONE = new CallContent(null, 0, null, null);

  /** Bytes held, to bound what queued events keep alive. */
  public long bytes() {
    return requestBytes + (response == null ? 0 : response.length())
        + (streamedAnswer == null ? 0 : 1024);
  }
}
