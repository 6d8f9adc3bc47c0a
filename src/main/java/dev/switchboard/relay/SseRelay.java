package dev.switchboard.relay;

import dev.switchboard.errors.GatewayError;
import dev.switchboard.provider.StreamTranslator;
import dev.switchboard.spend.Usage;
import dev.switchboard.spend.UsageEstimate;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.parsetools.RecordParser;
import java.util.concurrent.TimeoutException;

/**
 * Relays one upstream SSE stream into the client's response, event by event, at the pace the
 * client reads: when the client's write queue is full the upstream read pauses until it drains.
 * Lives on the request's event loop; one instance per stream.
 */
final class SseRelay {

  private final RelayCall call;
  private final HttpClientRequest upstreamRequest;
  private final HttpServerResponse client;
  private final StreamFramer framer;
  private final Promise<RelayResult> result = Promise.promise();
  private final RecordParser lines;
  private final SseParser events;

  private final Vertx vertx;
  private long firstByteNanos;
  private boolean finished;
  private long idleCheckTimer = -1;
  private long lastActivityNanos;
  private boolean pausedByClient;

  private SseRelay(Vertx vertx, RelayCall call, HttpClientRequest upstreamRequest, HttpClientResponse upstream,
      StreamTranslator translator, int maxLineBytes) {
    this.vertx = vertx;
    this.call = call;
    this.upstreamRequest = upstreamRequest;
    this.client = call.response();
    this.framer = new StreamFramer(translator, call.operation());
    this.events = new SseParser(maxLineBytes, this::onEvent);
    this.lines = RecordParser.newDelimited("\n", upstream).maxRecordSize(maxLineBytes);
  }

  static Future<RelayResult> start(Vertx vertx, RelayCall call, HttpClientRequest upstreamRequest,
      HttpClientResponse upstream, StreamTranslator translator, int maxLineBytes) {
    SseRelay relay = new SseRelay(vertx, call, upstreamRequest, upstream, translator, maxLineBytes);
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
    long idleLimitMs = call.deployment().streamTimeoutMs();
    lastActivityNanos = System.nanoTime();
    idleCheckTimer = vertx.setPeriodic(Math.max(50, Math.min(1000, idleLimitMs / 4)), id -> checkIdle(idleLimitMs));
    lines.handler(line -> {
      lastActivityNanos = System.nanoTime();
      try {
        events.line(line);
      } catch (RuntimeException e) {
        fail(e);
      }
    });
    lines.exceptionHandler(this::fail);
    lines.endHandler(v -> complete());
  }

  /**
   * stream_timeout counts the provider's silence, not ours: while the client's back-pressure
   * holds the upstream paused, the clock does not run.
   */
  private void checkIdle(long idleLimitMs) {
    if (!pausedByClient && System.nanoTime() - lastActivityNanos > idleLimitMs * 1_000_000) {
      fail(new TimeoutException("no stream data for " + idleLimitMs + " ms"));
    }
  }

  private void onEvent(String data) {
    if (finished) {
      return;
    }
    Buffer bytes = framer.frame(data);
    if (bytes != null) {
      write(bytes);
    }
  }

  private void write(Buffer bytes) {
    if (firstByteNanos == 0) {
      firstByteNanos = System.nanoTime() - call.startNanos();
    }
    client.write(bytes);
    if (client.writeQueueFull()) {
      pausedByClient = true;
      lines.pause();
      client.drainHandler(v -> {
        pausedByClient = false;
        lastActivityNanos = System.nanoTime();
        lines.resume();
      });
    }
  }

  private void complete() {
    if (finished) {
      return;
    }
    events.end();
    Buffer done = framer.end();
    if (done != null) {
      write(done);
    }
    finish();
    client.end();
    result.complete(new RelayResult(null, usage(), firstByteNanos, null, false));
  }

  /**
   * Before the first byte the client can still get a proper error status (and, later, a retry);
   * after it, the status is sent, so the client gets an SSE error event and the end of the stream.
   */
  private void fail(Throwable failure) {
    if (finished) {
      return;
    }
    finish();
    upstreamRequest.reset();
    GatewayError error = isTooLarge(failure)
        ? new GatewayError(502, "upstream_error", "upstream_event_too_large", null,
            "The provider sent a stream event larger than the gateway's limit for "
                + call.deployment().describe() + "; the stream was stopped.", null)
        : UpstreamErrors.fromException(call.deployment(), failure, call.deployment().streamTimeoutMs(), "stream_timeout");
    if (!client.headWritten()) {
      result.fail(error);
      return;
    }
    if (!client.closed()) {
      client.write(framer.errorEvent(error));
      client.end();
    }
    result.complete(new RelayResult(null, usage(), firstByteNanos, error, false));
  }

  /** The provider's usage, or an estimate from what was streamed when it reported none. */
  private Usage usage() {
    Usage reported = framer.usage();
    return reported.totalTokens() > 0 ? reported : UsageEstimate.of(call.body(), framer.streamedChars());
  }

  private void finish() {
    finished = true;
    vertx.cancelTimer(idleCheckTimer);
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
    finish();
    upstreamRequest.reset();
    result.complete(new RelayResult(null, usage(), firstByteNanos, null, true));
  }
}
