package dev.switchboard.ingress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.testing.GatewayExtension;
import dev.switchboard.testing.MockProvider;
import dev.switchboard.testing.RawHttp;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Clients that send too slowly, too little or malformed HTTP: each gets a status line where one can
 * be written (400, 408, 413, 414, 431) and its connection closed, within the configured timeouts (short here),
 * and the gateway logs no stack trace for any of it.
 */
@ExtendWith(VertxExtension.class)
class HttpFramingTest {

  @RegisterExtension
  final GatewayExtension gw = GatewayExtension.manual();

  /** Generous next to the 1 s timeouts configured below: how long a test waits for the gateway to close. */
  private static final long CLOSED_WITHIN_MS = 15_000;
  private static final String CHAT_HEAD = "POST /v1/chat/completions HTTP/1.1\r\nHost: gateway\r\n"
      + "Content-Type: application/json\r\n";

  private final List<LogRecord> traces = new CopyOnWriteArrayList<>();
  private final Handler traceCatcher = new Handler() {
    @Override
    public void publish(LogRecord record) {
      if (record.getThrown() != null) {
        traces.add(record);
      }
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
    }
  };

  @BeforeEach
  void start(Vertx vertx, VertxTestContext ctx) {
    Logger.getLogger("").addHandler(traceCatcher);
    gw.start(new MockProvider(vertx), m -> """
        model_list:
          - {model_name: chat, litellm_params: {model: openai/chat, api_base: "%s", api_key: sk-up}}
        general_settings:
          max_request_size_mb: 0.01
          client_header_timeout_seconds: 1
          client_body_timeout_seconds: 1
          client_idle_timeout_seconds: 1
        """.formatted(m.apiBase())).onComplete(ctx.succeedingThenComplete());
  }

  @AfterEach
  void stopCatching() {
    Logger.getLogger("").removeHandler(traceCatcher);
  }

  private Future<RawHttp.Exchange> send(Vertx vertx, List<String> parts, long pauseMs) {
    return RawHttp.send(vertx, gw.port(), parts, pauseMs, CLOSED_WITHIN_MS);
  }

  /** Closed with {@code status} as its answer, and no stack trace logged. */
  private void answeredAndClosed(VertxTestContext ctx, Future<RawHttp.Exchange> sent, int status) {
    sent.onComplete(ctx.succeeding(exchange -> ctx.verify(() -> {
      // HTTP/1.0 where the request line could not be read, so its version is unknown.
      assertTrue(exchange.statusLine().matches("HTTP/1\\.[01] " + status + " .*"), "answered: " + exchange.received());
      assertNoStackTrace();
      ctx.completeNow();
    })));
  }

  /** Closed, whether or not a status line could be written first (the head never arrived), and no stack trace. */
  private void closed(VertxTestContext ctx, Future<RawHttp.Exchange> sent) {
    sent.onComplete(ctx.succeeding(exchange -> ctx.verify(() -> {
      assertTrue(exchange.received().isEmpty() || exchange.statusLine().startsWith("HTTP/1.1 408 "),
          "nothing, or a 408: " + exchange.received());
      assertNoStackTrace();
      ctx.completeNow();
    })));
  }

  private void assertNoStackTrace() {
    assertEquals(List.of(), traces.stream().map(r -> r.getLoggerName() + ": " + r.getMessage() + " "
        + r.getThrown()).toList(), "stack traces logged");
  }

  @Test
  void a_connection_that_sends_nothing_is_closed(Vertx vertx, VertxTestContext ctx) {
    closed(ctx, send(vertx, List.of(), 0));
  }

  @Test
  void a_head_that_never_ends_is_closed(Vertx vertx, VertxTestContext ctx) {
    closed(ctx, send(vertx, List.of(CHAT_HEAD), 0));
  }

  @Test
  void a_head_dribbled_one_header_at_a_time_is_closed(Vertx vertx, VertxTestContext ctx) {
    // 300 lines 100 ms apart would take 30 s; each arrives well inside any per-read timeout.
    closed(ctx, send(vertx, RawHttp.dribble(CHAT_HEAD, "X-Pad: a\r\n", 300), 100));
  }

  @Test
  void a_body_dribbled_one_byte_at_a_time_is_answered_408(Vertx vertx, VertxTestContext ctx) {
    answeredAndClosed(ctx, send(vertx, RawHttp.dribble(CHAT_HEAD + "Content-Length: 300\r\n\r\n", "a", 300), 100), 408);
  }

  @Test
  void a_body_shorter_than_its_content_length_is_answered_408(Vertx vertx, VertxTestContext ctx) {
    answeredAndClosed(ctx, send(vertx, List.of(CHAT_HEAD + "Content-Length: 100\r\n\r\n{\"model\":"), 0), 408);
  }

  @Test
  void a_chunked_body_without_its_last_chunk_is_answered_408(Vertx vertx, VertxTestContext ctx) {
    answeredAndClosed(ctx, send(vertx, List.of(CHAT_HEAD + "Transfer-Encoding: chunked\r\n\r\n5\r\n{\"a\":\r\n"), 0), 408);
  }

  @Test
  void an_invalid_chunk_size_closes_the_connection_without_a_stack_trace(Vertx vertx, VertxTestContext ctx) {
    // Vert.x closes the connection as soon as its decoder fails, before any answer could be flushed.
    send(vertx, List.of(CHAT_HEAD + "Transfer-Encoding: chunked\r\n\r\nzz\r\n{\"a\":1}\r\n0\r\n\r\n"), 0)
        .onComplete(ctx.succeeding(exchange -> ctx.verify(() -> {
          assertTrue(exchange.received().isEmpty() || exchange.statusLine().startsWith("HTTP/1.1 400 "),
              "nothing, or a 400: " + exchange.received());
          assertNoStackTrace();
          ctx.completeNow();
        })));
  }

  @Test
  void a_body_over_the_limit_with_connection_close_is_answered_413_and_closed(Vertx vertx, VertxTestContext ctx) {
    answeredAndClosed(ctx, send(vertx, List.of(CHAT_HEAD + "Connection: close\r\nContent-Length: 50000\r\n\r\n"
        + "x".repeat(20_000)), 0), 413);
  }

  @Test
  void a_body_over_the_limit_is_answered_413_and_closed(Vertx vertx, VertxTestContext ctx) {
    answeredAndClosed(ctx, send(vertx, List.of(CHAT_HEAD + "Content-Length: 50000\r\n\r\n" + "x".repeat(20_000)), 0), 413);
  }

  @Test
  void headers_over_the_limit_are_answered_431(Vertx vertx, VertxTestContext ctx) {
    answeredAndClosed(ctx, send(vertx, List.of(CHAT_HEAD + "X-Big: " + "b".repeat(20_000) + "\r\n\r\n"), 0), 431);
  }

  @Test
  void a_request_line_over_the_limit_is_answered_414(Vertx vertx, VertxTestContext ctx) {
    answeredAndClosed(ctx, send(vertx, List.of("GET /" + "a".repeat(10_000) + " HTTP/1.1\r\nHost: gateway\r\n\r\n"), 0), 414);
  }

  @Test
  void a_request_line_that_is_not_http_is_answered_400(Vertx vertx, VertxTestContext ctx) {
    answeredAndClosed(ctx, send(vertx, List.of("HELLO\r\n\r\n"), 0), 400);
  }

  @Test
  void a_request_with_connection_close_is_answered_and_closed(Vertx vertx, VertxTestContext ctx) {
    answeredAndClosed(ctx, send(vertx, List.of("GET /health/liveliness HTTP/1.1\r\nHost: gateway\r\nConnection: close\r\n\r\n"),
        0), 200);
  }

  @Test
  void a_kept_alive_connection_is_closed_when_idle(Vertx vertx, VertxTestContext ctx) {
    answeredAndClosed(ctx, send(vertx, List.of("GET /health/liveliness HTTP/1.1\r\nHost: gateway\r\n\r\n"), 0), 200);
  }
}
