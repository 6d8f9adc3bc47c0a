package dev.switchboard.tracing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.testing.Gateways;
import dev.switchboard.testing.MockProvider;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The real exporter against a tiny OTLP/HTTP receiver on loopback: with {@code OTEL_EXPORTER_OTLP_ENDPOINT}
 * the request's spans are posted to {@code /v1/traces} (at the latest when the gateway closes,
 * which flushes them); without it nothing is ever sent.
 */
@ExtendWith(VertxExtension.class)
class OtlpExportTest {

  private final List<String> posts = new CopyOnWriteArrayList<>();
  private HttpServer receiver;
  private MockProvider mock;
  private WebClient client;

  @AfterEach
  void stop(VertxTestContext ctx) {
    if (client != null) {
      client.close();
    }
    Future.join(receiver == null ? Future.succeededFuture() : receiver.close(),
        mock == null ? Future.succeededFuture() : mock.stop()).onComplete(ctx.succeedingThenComplete());
  }

  /** Starts the receiver and the mock, runs one request through a gateway (with the endpoint or not), closes it. */
  private Future<Void> oneRequest(Vertx vertx, boolean withEndpoint) {
    mock = RequestTracingTest.mock(vertx);
    client = WebClient.create(vertx);
    return vertx.createHttpServer()
        .requestHandler(request -> request.body().onSuccess(body -> {
          posts.add(request.method() + " " + request.path() + " " + request.getHeader("content-type") + " "
              + request.getHeader("x-collector-token") + "\n" + body.toString(StandardCharsets.ISO_8859_1));
          request.response().setStatusCode(200).putHeader("content-type", "application/x-protobuf").end(Buffer.buffer());
        }))
        .listen(0, "127.0.0.1")
        .compose(server -> {
          receiver = server;
          return mock.start();
        })
        .compose(m -> Gateways.start(RequestTracingTest.config(m.apiBase()), withEndpoint
            ? Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:" + receiver.actualPort(),
                "OTEL_EXPORTER_OTLP_HEADERS", "x-collector-token=t%3D1", "OTEL_SERVICE_NAME", "sb-otlp-test")
            : Map.of(), 2))
        .compose(gateway -> RequestTracingTest.chat(client, gateway.port(), "chat", "req-otlp-1", 1)
            .compose(answer -> {
              if (answer.statusCode() != 200) {
                return Future.failedFuture(answer.bodyAsString());
              }
              return gateway.close(); // flushes the queued spans
            }));
  }

  @Test
  void with_an_otlp_endpoint_the_spans_are_posted_to_it_as_protobuf(Vertx vertx, VertxTestContext ctx) {
    oneRequest(vertx, true).onComplete(ctx.succeeding(v -> ctx.verify(() -> {
      assertFalse(posts.isEmpty(), "nothing reached the receiver");
      String all = String.join("\n", posts);
      assertTrue(posts.get(0).startsWith("POST /v1/traces application/x-protobuf t=1"), posts.get(0));
      for (String name : new String[] {"POST /v1/chat/completions", "auth", "ratelimit", "route", "attempt", "pick",
          "provider_call", "relay", "req-otlp-1", "sb-otlp-test", "steady"}) {
        assertTrue(all.contains(name), name + " not exported");
      }
      assertFalse(all.contains(RequestTracingTest.MASTER), "the master key was exported");
      assertFalse(all.contains(RequestTracingTest.UPSTREAM_KEY), "the provider key was exported");
      ctx.completeNow();
    })));
  }

  @Test
  void without_one_nothing_is_sent(Vertx vertx, VertxTestContext ctx) {
    oneRequest(vertx, false).onComplete(ctx.succeeding(v -> ctx.verify(() -> {
      assertEquals(List.of(), posts);
      ctx.completeNow();
    })));
  }
}
