package dev.switchboard.relay;

import dev.switchboard.errors.GatewayError;
import dev.switchboard.spend.Usage;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.parsetools.RecordParser;

/**
 * Relays one upstream SSE stream into the client's response, event by event, at the pace the
 * client reads: when the client's write queue is full the upstream read pauses until it drains.
 * Lives on the request's event loop; one instance per stream.
 */
final class SseRelay {

  private static final Buffer DONE = Buffer.buffer("data: [DONE]\n\n");
  private static final Buffer DATA = Buffer.buffer("data: ");
  private static final Buffer EVENT_END = Buffer.buffer("\n\n");

  private final RelayCall call;
  private final HttpClientRequest upstreamRequest;
  private final HttpServerResponse client;
  private final boolean dropUsageChunks;
  private final Promise<RelayResult> result = Promise.promise();
  private final RecordParser lines;
  private final SseParser events;

  private Usage usage = Usage.NONE;
  private long firstByteNanos;
  private boolean sawDone;
  private boolean finished;

  private SseRelay(RelayCall call, HttpClientRequest upstreamRequest, HttpClientResponse upstream,
      boolean dropUsageChunks, int maxLineBytes) {
    this.call = call;
    this.upstreamRequest = upstreamRequest;
    this.client = call.response();
    this.dropUsageChunks = dropUsageChunks;
    this.events = new SseParser(maxLineBytes, this::onEvent);
    this.lines = RecordParser.newDelimited("\n", upstream).maxRecordSize(maxLineBytes);
  }

  /**
   * @param dropUsageChunks the gateway asked for usage the client did not: keep it for spend, do
   *                        not forward the usage-only chunk
   */
  static Future<RelayResult> start(RelayCall call, HttpClientRequest upstreamRequest, HttpClientResponse upstream,
      boolean dropUsageChunks, int maxLineBytes) {
    SseRelay relay = new SseRelay(call, upstreamRequest, upstream, dropUsageChunks, maxLineBytes);
    relay.begin();
    return relay.result.future();
  }

  private void begin() {
    client.setStatusCode(200)
        .setChunked(true)
        .putHeader(HttpHeaders.CONTENT_TYPE, "text/event-stream; charset=utf-8")
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-cache")
        .putHeader("x-accel-buffering", "no");
    client.closeHandler(v -> clientGone());
    lines.handler(line -> {
      try {
        events.line(line);
      } catch (RuntimeException e) {
        fail(e);
      }
    });
    lines.exceptionHandler(this::fail);
    lines.endHandler(v -> complete());
  }

  private void onEvent(String data) {
    if (finished || sawDone) {
      return;
    }
    if ("[DONE]".equals(data)) {
      sawDone = true;
      write(DONE.copy());
      return;
    }
    if (data.contains("\"usage\"")) {
      JsonObject chunk = parse(data);
      if (chunk != null && chunk.getValue("usage") instanceof JsonObject reported) {
        usage = Usage.fromOpenAi(reported);
        if (dropUsageChunks && chunk.getValue("choices") instanceof JsonArray choices && choices.isEmpty()) {
          return;
        }
      }
    }
    write(Buffer.buffer(data.length() + 8).appendBuffer(DATA).appendString(data).appendBuffer(EVENT_END));
  }

  private static JsonObject parse(String data) {
    try {
      return new JsonObject(data);
    } catch (RuntimeException notJson) {
      return null;
    }
  }

  private void write(Buffer bytes) {
    if (firstByteNanos == 0) {
      firstByteNanos = System.nanoTime() - call.startNanos();
    }
    client.write(bytes);
    if (client.writeQueueFull()) {
      lines.pause();
      client.drainHandler(v -> lines.resume());
    }
  }

  private void complete() {
    if (finished) {
      return;
    }
    events.end();
    if (!sawDone) {
      write(DONE.copy());
    }
    finished = true;
    client.end();
    result.complete(new RelayResult(null, usage, firstByteNanos, null, false));
  }

  /**
   * Before the first byte the client can still get a proper error status (and, later, a retry);
   * after it, the status is sent, so the client gets an SSE error event and the end of the stream.
   */
  private void fail(Throwable failure) {
    if (finished) {
      return;
    }
    finished = true;
    upstreamRequest.reset();
    GatewayError error = isTooLarge(failure)
        ? new GatewayError(502, "upstream_error", "upstream_event_too_large", null,
            "The provider sent a stream event larger than the gateway's limit for "
                + UpstreamErrors.describe(call.deployment()) + "; the stream was stopped.", null)
        : UpstreamErrors.fromException(call.deployment(), failure, call.deployment().streamTimeoutMs());
    if (!client.headWritten()) {
      result.fail(error);
      return;
    }
    if (!client.closed()) {
      client.write(Buffer.buffer().appendBuffer(DATA).appendString(error.toJson().encode()).appendBuffer(EVENT_END));
      client.end();
    }
    result.complete(new RelayResult(null, usage, firstByteNanos, error, false));
  }

  /** Our parser's bound, or RecordParser's, which signals an over-long line this way. */
  private static boolean isTooLarge(Throwable failure) {
    return failure instanceof SseParser.EventTooLargeException
        || failure instanceof IllegalStateException && "The current record is too long".equals(failure.getMessage());
  }

  private void clientGone() {
    if (finished) {
      return;
    }
    finished = true;
    upstreamRequest.reset();
    result.complete(new RelayResult(null, usage, firstByteNanos, null, true));
  }
}
