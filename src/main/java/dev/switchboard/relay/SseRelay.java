package dev.switchboard.relay;

import dev.switchboard.model.RelayResult;
import dev.switchboard.model.RelayCall;
import dev.switchboard.errors.ErrorClass;
import dev.switchboard.errors.GatewayError;
import dev.switchboard.model.StreamFormat;
import dev.switchboard.model.StreamTranslator;
import dev.switchboard.model.Usage;
import dev.switchboard.model.UsageEstimate;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import java.io.EOFException;
import java.util.Set;
import java.util.concurrent.TimeoutException;

/**
 * Relays one upstream stream (SSE, or another framing the provider's adapter names) into the client's SSE response, event by event, at the pace the
 * client reads: when the client's write queue is full the upstream read pauses until it drains.
 * Lives on the request's event loop; one instance per stream.
 */
final class SseRelay {


  private final RelayCall call;
  private final HttpClientRequest upstreamRequest;
  private final HttpServerResponse client;
  private final StreamFramer framer;
  private final Promise<RelayResult> result = Promise.promise();
  private final HttpClientResponse upstream;
  private final StreamSplitter events;
  private final StreamTranslator translator;

  private final Vertx vertx;
  /** The relay's open streams, this one among them until it finishes (so a stopping gateway can end it). */
  private final Set<SseRelay> open;
  private final Context home;
  private long firstByteNanos;
  private boolean finished;
  private long idleCheckTimer = -1;
  private long lastActivityNanos;
  private boolean pausedByClient;
  private boolean upstreamEnded;
  /** The stream's last event ({@code [DONE]}, or Anthropic's {@code message_stop}), held until the end of the stream. */
  private Buffer heldDone;
  /** Assembles the whole answer for the response cache, or null when nobody will store it. */
  private final AnswerCollector collector;

  private SseRelay(Vertx vertx, RelayCall call, HttpClientRequest upstreamRequest, HttpClientResponse upstream,
      StreamTranslator translator, StreamFormat format, int maxLineBytes, Set<SseRelay> open) {
    this.vertx = vertx;
    this.open = open;
    this.home = vertx.getOrCreateContext();
    this.call = call;
    this.upstreamRequest = upstreamRequest;
    this.client = call.response();
    this.translator = translator;
    this.framer = new StreamFramer(translator, call.operation());
    this.upstream = upstream;
    this.events = StreamSplitter.of(format, maxLineBytes, this::onEvent);
    this.collector = call.collectAnswerBytes() > 0 && AnswerCollector.assembles(call.operation())
        ? new AnswerCollector(call.operation(), call.collectAnswerBytes()) : null;
    if (collector != null) {
      framer.observe(collector::add);
    }
  }

  static Future<RelayResult> start(Vertx vertx, RelayCall call, HttpClientRequest upstreamRequest,
      HttpClientResponse upstream, StreamTranslator translator, StreamFormat format, int maxLineBytes,
      Set<SseRelay> open) {
    SseRelay relay = new SseRelay(vertx, call, upstreamRequest, upstream, translator, format, maxLineBytes, open);
    open.add(relay);
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
    if (call.guard() != null) {
      call.guard().providerCalled(this::fail); // from here a block ends the stream with an error event
    }
    long idleLimitMs = call.streamTimeoutMs();
    lastActivityNanos = System.nanoTime();
    idleCheckTimer = vertx.setPeriodic(Math.max(50, Math.min(1000, idleLimitMs / 4)), id -> checkIdle(idleLimitMs));
    upstream.handler(read -> {
      lastActivityNanos = System.nanoTime();
      try {
        events.feed(read);
      } catch (RuntimeException e) {
        fail(e);
      }
    });
    upstream.exceptionHandler(this::fail);
    upstream.endHandler(v -> {
      upstreamEnded = true;
      if (!events.paused()) {
        complete();
      }
    });
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

  private void onEvent(String data, Buffer wire) {
    if (finished) {
      return;
    }
    GatewayError upstreamError = UpstreamErrors.fromStreamEvent(call.deployment(), data);
    if (upstreamError != null) {
      fail(upstreamError);
      return;
    }
    Buffer bytes = framer.frame(data, wire);
    if (bytes != null && call.guard() != null) {
      GatewayError blocked = call.guard().onStreamEvent(bytes.toString());
      if (blocked != null) {
        fail(blocked);
        return;
      }
    }
    if (bytes != null && framer.done() && call.holdEnding()) {
      heldDone = bytes; // written by the result's ending, once the caller has made the spend row durable
    } else if (bytes != null) {
      write(bytes);
    }
  }

  private void write(Buffer bytes) {
    if (firstByteNanos == 0) {
      firstByteNanos = System.nanoTime() - call.startNanos();
      // From here no retry or fallback can send the body again, and the stream may last minutes.
      call.body().release();
    }
    client.write(bytes);
    if (client.writeQueueFull() && !pausedByClient) {
      pausedByClient = true;
      events.pause();
      upstream.pause();
      client.drainHandler(v -> resumeAfterDrain());
    }
  }

  /** The client caught up: first the rest of the read that was paused, then the upstream. */
  private void resumeAfterDrain() {
    pausedByClient = false;
    lastActivityNanos = System.nanoTime();
    try {
      events.resume();
    } catch (RuntimeException e) {
      fail(e);
      return;
    }
    if (finished || events.paused()) {
      return;
    }
    if (upstreamEnded) {
      complete();
    } else {
      upstream.resume();
    }
  }

  private void complete() {
    if (finished) {
      return;
    }
    if (!framer.reachedEnd()) {
      fail(new EOFException("the provider's stream ended before its last event"));
      return;
    }
    events.end();
    finish();
    Usage usage = usage();
    // Held, the stream's last bytes wait for what must precede them (its spend row on disk), so a
    // client that saw [DONE] (or message_stop) is always charged.
    Runnable ending = () -> writeEnding(usage);
    JsonObject answer = translator.completedAnswer();
    if (answer == null && collector != null && framer.done()) {
      // Only a stream whose provider sent its own last event: one that merely stopped is not cached.
      answer = collector.answer(usage);
    }
    if (call.holdEnding()) {
      result.complete(new RelayResult(null, usage, firstByteNanos, null, false, ending, answer));
    } else {
      ending.run();
      result.complete(new RelayResult(null, usage, firstByteNanos, null, false, null, answer));
    }
  }

  private void writeEnding(Usage usage) {
    if (client.closed()) {
      return;
    }
    if (heldDone != null) {
      write(heldDone);
      heldDone = null;
    }
    Buffer done = framer.end();
    if (done != null) {
      write(done);
    }
    endWithCost(usage);
  }

  /** The end of the stream, with what it cost (the amount its spend row is charged) as a trailer. */
  private void endWithCost(Usage usage) {
    if (call.costOf() != null && client.isChunked()) {
      client.putTrailer(RelayCall.COST_HEADER, RelayCall.costText(call.costOf().applyAsDouble(usage)));
    }
    client.end();
  }

  /** Ends the stream with {@code error} (the gateway is stopping), on the stream's own event loop. */
  void cut(GatewayError error) {
    home.runOnContext(v -> fail(error));
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
        ? GatewayError.of(ErrorClass.API_CONNECTION, "upstream_event_too_large", "The provider sent a stream event larger than the gateway's limit for "
                + call.deployment().describe() + "; the stream was stopped.")
        : UpstreamErrors.fromException(call.deployment(), failure, call.streamTimeoutMs(), "stream_timeout");
    if (!client.headWritten()) {
      result.fail(error);
      return;
    }
    Usage usage = usage();
    if (!client.closed()) {
      client.write(framer.errorEvent(error));
      endWithCost(usage);
    }
    result.complete(new RelayResult(null, usage, firstByteNanos, error, false));
  }

  /** The provider's usage, or an estimate from what was streamed when it reported none. */
  private Usage usage() {
    Usage reported = framer.usage();
    return reported.totalTokens() > 0 ? reported : UsageEstimate.of(call.body().prompt(), framer.streamedChars());
  }

  private void finish() {
    finished = true;
    open.remove(this);
    vertx.cancelTimer(idleCheckTimer);
  }

  /** The parser's bound on one line or event. */
  private static boolean isTooLarge(Throwable failure) {
    return failure instanceof SseParser.EventTooLargeException;
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
