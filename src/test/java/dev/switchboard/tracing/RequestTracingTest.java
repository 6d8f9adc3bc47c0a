package dev.switchboard.tracing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.Gateway;
import dev.switchboard.testing.Awaits;
import dev.switchboard.testing.Gateways;
import dev.switchboard.testing.MockProvider;
import dev.switchboard.testing.MockProvider.Behaviour;
import dev.switchboard.testing.Requests;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The spans of real requests, caught by an in-memory exporter: one server span per request, with
 * auth, ratelimit and route under it, an attempt per retry and fallback under route, and pick,
 * provider_call and relay under each attempt; ids and statuses as attributes, never a key.
 */
@ExtendWith(VertxExtension.class)
class RequestTracingTest {

  static final String MASTER = "sk-tracing-master-0123456789";
  static final String UPSTREAM_KEY = "sk-upstream-tracing-secret-7";
  static final AttributeKey<String> REQUEST_ID = AttributeKey.stringKey(RequestSpans.REQUEST_ID);
  static final AttributeKey<String> DEPLOYMENT = AttributeKey.stringKey("switchboard.deployment.id");
  static final AttributeKey<Long> STATUS = AttributeKey.longKey("http.response.status_code");

  private final InMemorySpanExporter exporter = InMemorySpanExporter.create();
  private MockProvider mock;
  private Gateway gateway;
  private WebClient client;

  @AfterEach
  void stop(VertxTestContext ctx) {
    if (client != null) {
      client.close();
    }
    Future.join(gateway == null ? Future.succeededFuture() : gateway.close(),
        mock == null ? Future.succeededFuture() : mock.stop()).onComplete(ctx.succeedingThenComplete());
  }

  static String config(String apiBase) {
    return """
        model_list:
          - {model_name: chat, litellm_params: {model: openai/busy, api_base: "%1$s", api_key: %2$s, order: 1}, model_info: {id: busy}}
          - {model_name: chat, litellm_params: {model: openai/steady, api_base: "%1$s", api_key: %2$s, order: 2}, model_info: {id: steady}}
          - {model_name: broken, litellm_params: {model: openai/broken, api_base: "%1$s", api_key: %2$s}, model_info: {id: broken-1}}
          - {model_name: backup, litellm_params: {model: openai/backup, api_base: "%1$s", api_key: %2$s}, model_info: {id: backup-1}}
        router_settings: {num_retries: 0, fallbacks: [{broken: [backup]}]}
        general_settings: {master_key: %3$s}
        """.formatted(apiBase, UPSTREAM_KEY, MASTER);
  }

  static MockProvider mock(Vertx vertx) {
    return new MockProvider(vertx)
        .on("busy", Behaviour.error(429, "{\"error\":{\"message\":\"slow down\"}}", Map.of()))
        .on("broken", Behaviour.error(500, "{\"error\":{\"message\":\"boom\"}}", Map.of()));
  }

  static Future<HttpResponse<Buffer>> chat(WebClient client, int port, String model, String requestId, int retries) {
    return client.post(port, "127.0.0.1", "/v1/chat/completions")
        .putHeader("Authorization", "Bearer " + MASTER)
        .putHeader("x-litellm-call-id", requestId)
        .sendJsonObject(Requests.chat(model).put("num_retries", retries).user("Hello").build());
  }

  private Future<Void> start(Vertx vertx) {
    mock = mock(vertx);
    return mock.start()
        .compose(m -> Gateways.start(config(m.apiBase()),
            new Tracing(SimpleSpanProcessor.create(exporter), "switchboard-test")))
        .map(g -> {
          gateway = g;
          client = WebClient.create(vertx);
          return null;
        });
  }

  /** The server span of the request {@code requestId}, once it has ended. */
  private SpanData root(String requestId) {
    return exporter.getFinishedSpanItems().stream()
        .filter(s -> s.getParentSpanContext().isValid() == false && requestId.equals(s.getAttributes().get(REQUEST_ID)))
        .findFirst().orElse(null);
  }

  private List<SpanData> children(SpanData parent) {
    return exporter.getFinishedSpanItems().stream()
        .filter(s -> s.getParentSpanId().equals(parent.getSpanId()) && s.getTraceId().equals(parent.getTraceId()))
        .sorted(Comparator.comparingLong(SpanData::getStartEpochNanos))
        .toList();
  }

  private SpanData child(SpanData parent, String name) {
    return children(parent).stream().filter(s -> s.getName().equals(name)).findFirst()
        .orElseThrow(() -> new AssertionError("no " + name + " under " + parent.getName() + ": " + children(parent)));
  }

  @Test
  void a_retried_request_is_one_trace_with_its_stages_and_an_attempt_per_deployment(Vertx vertx, VertxTestContext ctx) {
    start(vertx)
        .compose(v -> chat(client, gateway.port(), "chat", "req-trace-1", 1))
        .compose(answer -> {
          ctx.verify(() -> assertEquals(200, answer.statusCode(), answer.bodyAsString()));
          return Awaits.until(vertx, () -> root("req-trace-1") != null, 10_000);
        })
        .onComplete(ctx.succeeding(v -> ctx.verify(() -> {
          SpanData root = root("req-trace-1");
          assertEquals("POST /v1/chat/completions", root.getName());
          assertEquals(SpanKind.SERVER, root.getKind());
          assertEquals(200, root.getAttributes().get(STATUS));
          assertEquals("steady", root.getAttributes().get(DEPLOYMENT));
          assertEquals(1, root.getAttributes().get(AttributeKey.longKey("switchboard.retries")));
          // One span per stage hop, in the chain's order.
          assertEquals(List.of("auth", "ratelimit", "budget", "route", "spend"),
              children(root).stream().map(SpanData::getName).toList());
          assertEquals(true, child(root, "ratelimit").getAttributes()
              .get(AttributeKey.booleanKey("switchboard.ratelimit.granted")));

          List<SpanData> attempts = children(child(root, "route"));
          assertEquals(List.of("attempt", "attempt"), attempts.stream().map(SpanData::getName).toList());
          SpanData first = attempts.get(0);
          assertEquals("busy", first.getAttributes().get(DEPLOYMENT));
          assertEquals(0, first.getAttributes().get(AttributeKey.longKey("switchboard.retry")));
          assertEquals(429, first.getAttributes().get(STATUS));
          assertEquals(StatusCode.ERROR, first.getStatus().getStatusCode());
          assertEquals(List.of("pick", "provider_call"), children(first).stream().map(SpanData::getName).toList());
          assertEquals(SpanKind.CLIENT, child(first, "provider_call").getKind());

          SpanData second = attempts.get(1);
          assertEquals("steady", second.getAttributes().get(DEPLOYMENT));
          assertEquals(1, second.getAttributes().get(AttributeKey.longKey("switchboard.retry")));
          assertEquals(200, second.getAttributes().get(STATUS));
          assertEquals(List.of("pick", "provider_call", "relay"), children(second).stream().map(SpanData::getName).toList());
          assertEquals(200, child(second, "provider_call").getAttributes().get(STATUS));

          for (SpanData span : exporter.getFinishedSpanItems()) {
            assertFalse(span.getAttributes().toString().contains("sk-"), span.getName() + " carries a key: "
                + span.getAttributes());
          }
          ctx.completeNow();
        })));
  }

  @Test
  void a_fallback_is_an_attempt_of_the_fallback_group_under_the_same_route(Vertx vertx, VertxTestContext ctx) {
    start(vertx)
        .compose(v -> chat(client, gateway.port(), "broken", "req-trace-2", 0))
        .compose(answer -> {
          ctx.verify(() -> assertEquals(200, answer.statusCode(), answer.bodyAsString()));
          return Awaits.until(vertx, () -> root("req-trace-2") != null, 10_000);
        })
        .onComplete(ctx.succeeding(v -> ctx.verify(() -> {
          SpanData route = child(root("req-trace-2"), "route");
          assertEquals(1, route.getAttributes().get(AttributeKey.longKey("switchboard.fallbacks")));
          List<SpanData> attempts = children(route);
          assertEquals(2, attempts.size());
          assertEquals(false, attempts.get(0).getAttributes().get(AttributeKey.booleanKey("switchboard.fallback")));
          assertEquals(500, attempts.get(0).getAttributes().get(STATUS));
          SpanData fallback = attempts.get(1);
          assertEquals(true, fallback.getAttributes().get(AttributeKey.booleanKey("switchboard.fallback")));
          assertEquals("backup", fallback.getAttributes().get(AttributeKey.stringKey("switchboard.model_group")));
          assertEquals("backup-1", fallback.getAttributes().get(DEPLOYMENT));
          ctx.completeNow();
        })));
  }

  @Test
  void a_client_traceparent_becomes_the_parent_and_a_refused_key_ends_at_auth(Vertx vertx, VertxTestContext ctx) {
    String traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
    start(vertx)
        .compose(v -> client.post(gateway.port(), "127.0.0.1", "/v1/chat/completions")
            .putHeader("Authorization", "Bearer sk-wrong-key-00000000")
            .putHeader("x-litellm-call-id", "req-trace-3")
            .putHeader("traceparent", "00-" + traceId + "-00f067aa0ba902b7-01")
            .sendJsonObject(Requests.hi("chat")))
        .compose(answer -> {
          ctx.verify(() -> assertEquals(401, answer.statusCode()));
          return Awaits.until(vertx, () -> exporter.getFinishedSpanItems().stream()
              .anyMatch(s -> "req-trace-3".equals(s.getAttributes().get(REQUEST_ID))), 10_000);
        })
        .onComplete(ctx.succeeding(v -> ctx.verify(() -> {
          SpanData root = exporter.getFinishedSpanItems().stream()
              .filter(s -> "req-trace-3".equals(s.getAttributes().get(REQUEST_ID))).findFirst().orElseThrow();
          assertEquals(traceId, root.getTraceId());
          assertEquals("00f067aa0ba902b7", root.getParentSpanId());
          assertEquals(401, root.getAttributes().get(STATUS));
          SpanData auth = child(root, "auth");
          assertEquals(StatusCode.ERROR, auth.getStatus().getStatusCode());
          assertEquals(List.of("auth"), children(root).stream().map(SpanData::getName).toList());
          ctx.completeNow();
        })));
  }

  @Test
  void without_an_endpoint_the_gateway_has_no_tracer(Vertx vertx, VertxTestContext ctx) {
    mock = mock(vertx);
    mock.start()
        .compose(m -> Gateways.start(config(m.apiBase())))
        .onComplete(ctx.succeeding(g -> ctx.verify(() -> {
          gateway = g;
          assertFalse(g.tracing().enabled());
          assertTrue(Tracing.OFF == g.tracing());
          assertNotNull(RequestSpans.OFF.root());
          assertFalse(RequestSpans.OFF.on());
          ctx.completeNow();
        })));
  }
}
