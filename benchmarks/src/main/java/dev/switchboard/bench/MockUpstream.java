package dev.switchboard.bench;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A fast OpenAI stand-in: fixed answers, no parsing beyond a few substring tests. A stream's first
 * chunk goes out at once and the rest {@code intervalMs} apart, as a model emitting tokens does.
 * Model {@link #PACED_MODEL} gets the concurrent-streams phase's stream instead: its own chunk
 * count and interval, each chunk stamped with its send time, on a fixed schedule.
 */
final class MockUpstream extends VerticleBase {

  /** One certificate for every instance: they share the port. */
  private static final io.vertx.core.net.SelfSignedCertificate SELF_SIGNED = io.vertx.core.net.SelfSignedCertificate.create();
  private final boolean tlsWithHttp2;

  /** The upstream key the gateway's config and the direct calls send; the mock does not check it. */
  static final String API_KEY = "sk-bench";
  /** The model whose streams are paced and stamped (the gateway's config routes it here too). */
  static final String PACED_MODEL = "bench-paced";

  private final int port;
  private final int interval;
  private final Buffer completion = Buffer.buffer(Payloads.completion("bench"));
  private final List<Buffer> plainStream;
  private final List<Buffer> usageStream;
  private final int pacedChunks;
  private final long pacedIntervalNanos;
  /** A paced stream's finish chunk, usage chunk and [DONE], sent with its last content chunk. */
  private final Buffer pacedEnd = Buffer.buffer();
  private HttpServer server;

  MockUpstream(int port, int chunks, int intervalMs, int pacedChunks, int pacedIntervalMs, boolean tlsWithHttp2) {
    this.tlsWithHttp2 = tlsWithHttp2;
    this.port = port;
    this.interval = intervalMs;
    this.plainStream = Payloads.framed(Payloads.streamEvents("bench", chunks, false, false));
    this.usageStream = Payloads.framed(Payloads.streamEvents("bench", chunks, true, true));
    this.pacedChunks = pacedChunks;
    this.pacedIntervalNanos = pacedIntervalMs * 1_000_000L;
    List<Buffer> events = Payloads.framed(Payloads.streamEvents(PACED_MODEL, pacedChunks, true, true));
    events.subList(events.size() - 3, events.size()).forEach(pacedEnd::appendBuffer);
  }

  @Override
  public Future<?> start() {
    HttpServerOptions options = new HttpServerOptions().setHost(Loopback.HOST).setPort(port)
        .setTcpNoDelay(true).setCompressionSupported(false);
    if (tlsWithHttp2) {
      options.setSsl(true).setUseAlpn(true).setKeyCertOptions(SELF_SIGNED.keyCertOptions());
    }
    server = vertx.createHttpServer(options);
    return server.requestHandler(this::handle).listen();
  }

  private void handle(HttpServerRequest request) {
    if (request.method() != HttpMethod.POST || !request.path().endsWith("/chat/completions")) {
      request.response().setStatusCode(404).end();
      return;
    }
    request.body().onSuccess(body -> {
      String text = body.toString(StandardCharsets.UTF_8);
      HttpServerResponse response = request.response();
      if (!text.contains("\"stream\":true")) {
        response.putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(completion);
        return;
      }
      if (text.contains("\"model\":\"" + PACED_MODEL + "\"")) {
        response.setChunked(true).putHeader(HttpHeaders.CONTENT_TYPE, "text/event-stream");
        sendPaced(response, 0, System.nanoTime());
        return;
      }
      // As OpenAI: "usage":null on every chunk and a usage chunk only when include_usage was asked.
      List<Buffer> events = text.contains("\"include_usage\":true") ? usageStream : plainStream;
      response.setChunked(true).putHeader(HttpHeaders.CONTENT_TYPE, "text/event-stream");
      if (interval <= 0) {
        events.forEach(response::write);
        response.end();
        return;
      }
      response.write(events.get(0));
      send(response, events, 1);
    });
  }

  private void send(HttpServerResponse response, List<Buffer> events, int next) {
    vertx.setTimer(interval, id -> {
      if (response.closed()) {
        return;
      }
      response.write(events.get(next));
      if (next + 1 < events.size()) {
        send(response, events, next + 1);
      } else {
        response.end();
      }
    });
  }

  /**
   * Chunk {@code index} of a paced stream is due at start + index × interval (a fixed schedule, so
   * one late timer does not shift the rest); it is stamped as it is written. One timer per chunk
   * on this event loop, no thread per stream.
   */
  private void sendPaced(HttpServerResponse response, int index, long startNanos) {
    if (response.closed()) {
      return;
    }
    response.write(Payloads.framed(Payloads.stampedEvent(PACED_MODEL, index, System.nanoTime())));
    if (index == pacedChunks) {
      response.end(pacedEnd);
      return;
    }
    long due = startNanos + (index + 1) * pacedIntervalNanos;
    long delayMs = Math.max(1, (due - System.nanoTime() + 999_999) / 1_000_000);
    vertx.setTimer(delayMs, id -> sendPaced(response, index + 1, startNanos));
  }
}
