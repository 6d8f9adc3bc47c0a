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
 * A fast OpenAI stand-in: fixed answers, no parsing beyond two substring tests. A stream's first
 * chunk goes out at once and the rest {@code intervalMs} apart, as a model emitting tokens does.
 */
final class MockUpstream extends VerticleBase {

  /** The upstream key the gateway's config and the direct calls send; the mock does not check it. */
  static final String API_KEY = "sk-bench";

  private final int port;
  private final int interval;
  private final Buffer completion = Buffer.buffer(Payloads.completion("bench"));
  private final List<Buffer> plainStream;
  private final List<Buffer> usageStream;
  private HttpServer server;

  MockUpstream(int port, int chunks, int intervalMs) {
    this.port = port;
    this.interval = intervalMs;
    this.plainStream = Payloads.framed(Payloads.streamEvents("bench", chunks, false, false));
    this.usageStream = Payloads.framed(Payloads.streamEvents("bench", chunks, true, true));
  }

  @Override
  public Future<?> start() {
    server = vertx.createHttpServer(new HttpServerOptions().setHost(Loopback.HOST).setPort(port)
        .setTcpNoDelay(true).setCompressionSupported(false));
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
}
