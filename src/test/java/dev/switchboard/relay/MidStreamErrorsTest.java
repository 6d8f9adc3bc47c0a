package dev.switchboard.relay;

import dev.switchboard.model.RelayCall;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.Gateway;
import dev.switchboard.testing.GatewayExtension;
import dev.switchboard.testing.Gateways;
import dev.switchboard.testing.MockProvider;
import dev.switchboard.testing.MockProvider.Behaviour;
import dev.switchboard.testing.Requests;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A stream that fails after its first byte ends with one error event in the client's format, its
 * message scrubbed like every other upstream error, no [DONE] after it, and the cost it was charged
 * as a trailer: when the provider sends an error event (passed through or translated, OpenAI or
 * Anthropic on either side), and when a stopping gateway's drain time runs out.
 */
@ExtendWith(VertxExtension.class)
class MidStreamErrorsTest {

  @RegisterExtension
  final GatewayExtension gw = GatewayExtension.manual();

  private HttpClient http;

  /** What the client received: the status, the body as text, and the cost trailer. */
  private record Received(int status, String body, String cost) {
  }

  private static String config(MockProvider m) {
    return """
        model_list:
          - model_name: openai-fails
            litellm_params: {model: openai/mid-stream-error, api_base: %1$s, api_key: sk-up}
            model_info: {input_cost_per_token: 0.001, output_cost_per_token: 0.002}
          - model_name: anthropic-fails
            litellm_params: {model: anthropic/mid-stream-error, api_base: "http://127.0.0.1:%2$d", api_key: sk-ant-up}
            model_info: {input_cost_per_token: 0.001, output_cost_per_token: 0.002}
          - model_name: endless
            litellm_params: {model: openai/endless, api_base: %1$s, api_key: sk-up}
            model_info: {input_cost_per_token: 0.001, output_cost_per_token: 0.002}
        router_settings: {num_retries: 0}
        general_settings: {graceful_shutdown_seconds: 2}
        """.formatted(m.apiBase(), m.port());
  }

  @BeforeEach
  void start(Vertx vertx, VertxTestContext ctx) {
    http = vertx.createHttpClient();
    gw.start(new MockProvider(vertx).on("endless", Behaviour.ok().withChunks(100_000, 20)), MidStreamErrorsTest::config)
        .onComplete(ctx.succeedingThenComplete());
  }

  @AfterEach
  void closeClient() {
    http.close();
  }

  /** Streams {@code model} on {@code path} to its end; {@code onFirstBytes} runs once, when the first bytes arrive. */
  private Future<Received> stream(Gateway target, String path, String model, Consumer<Void> onFirstBytes) {
    JsonObject body = Requests.chat(model).stream().maxTokens(100).build();
    Buffer received = Buffer.buffer();
    return http.request(HttpMethod.POST, target.port(), "127.0.0.1", path)
        .compose(request -> request.putHeader("content-type", "application/json").send(body.encode()))
        .compose((HttpClientResponse response) -> {
          response.handler(bytes -> {
            if (received.length() == 0 && onFirstBytes != null) {
              onFirstBytes.accept(null);
            }
            received.appendBuffer(bytes);
          });
          return response.end().map(v -> new Received(response.statusCode(), received.toString(),
              response.trailers().get(RelayCall.COST_HEADER)));
        });
  }

  private static void assertEndsWithError(Received received, String errorEvent, String says) {
    assertEquals(200, received.status());
    String body = received.body();
    String last = body.substring(body.lastIndexOf("\n\n", body.length() - 3) + 2);
    assertTrue(last.startsWith(errorEvent), "the stream ends with its error event: " + body);
    assertTrue(last.contains(says), last);
    assertFalse(body.contains("[DONE]"), "no [DONE] after a failure: " + body);
    assertFalse(body.contains("sk-provA"), "the provider's secret is scrubbed: " + body);
    assertFalse(body.contains("0123456789abcdef"), body);
    assertNotNull(received.cost(), "the cost trailer");
    assertTrue(Double.parseDouble(received.cost()) > 0, "the stream is charged what it streamed: " + received.cost());
  }

  @Test
  void an_openai_error_event_mid_stream_is_scrubbed_and_ends_the_stream_without_done(VertxTestContext ctx) {
    stream(gw.gateway(), "/v1/chat/completions", "openai-fails", null).onComplete(ctx.succeeding(received -> ctx.verify(() -> {
      assertTrue(received.body().contains("Hel"), "what came before the error is relayed: " + received.body());
      assertEndsWithError(received, "data: {\"error\"", "mid-stream");
      ctx.completeNow();
    })));
  }

  @Test
  void an_anthropic_error_event_mid_stream_is_scrubbed_on_the_passthrough_path(VertxTestContext ctx) {
    stream(gw.gateway(), "/v1/messages", "anthropic-fails", null).onComplete(ctx.succeeding(received -> ctx.verify(() -> {
      assertTrue(received.body().contains("event: content_block_delta"), received.body());
      assertEndsWithError(received, "event: error\ndata: {\"type\":\"error\"", "overloaded_error");
      ctx.completeNow();
    })));
  }

  @Test
  void an_openai_error_event_becomes_an_anthropic_error_event_on_the_translated_path(VertxTestContext ctx) {
    stream(gw.gateway(), "/v1/messages", "openai-fails", null).onComplete(ctx.succeeding(received -> ctx.verify(() -> {
      assertEndsWithError(received, "event: error\ndata: {\"type\":\"error\"", "mid-stream");
      String last = received.body().substring(received.body().lastIndexOf("event: error"));
      JsonObject event = new JsonObject(last.substring(last.indexOf("data: ") + 6).trim());
      // An Anthropic SDK reads the type: one of Anthropic's, never an OpenAI type.
      assertTrue(java.util.Set.of("api_error", "overloaded_error", "invalid_request_error", "rate_limit_error")
          .contains(event.getJsonObject("error").getString("type")), last);
      ctx.completeNow();
    })));
  }

  @Test
  void an_anthropic_error_event_becomes_an_openai_error_event_on_the_translated_path(VertxTestContext ctx) {
    stream(gw.gateway(), "/v1/chat/completions", "anthropic-fails", null).onComplete(ctx.succeeding(received -> ctx.verify(() -> {
      assertEndsWithError(received, "data: {\"error\"", "overloaded_error");
      ctx.completeNow();
    })));
  }

  @Test
  void a_stream_still_open_when_the_drain_time_runs_out_gets_an_error_event_before_the_gateway_stops(
      VertxTestContext ctx) {
    // A gateway of its own, which this test stops (the same code path as SIGTERM: Gateway.close).
    AtomicReference<Future<Void>> closed = new AtomicReference<>();
    Gateways.start(config(gw.mock()))
        .compose(stopping -> stream(stopping, "/v1/chat/completions", "endless", first -> closed.set(stopping.close())))
        .onComplete(ctx.succeeding(received -> ctx.verify(() -> {
          assertTrue(received.body().contains("tok0"), received.body());
          assertEndsWithError(received, "data: {\"error\"", "shutting down");
          assertTrue(received.body().contains("graceful_shutdown_seconds"), received.body());
          closed.get().onComplete(ctx.succeedingThenComplete());
        })));
  }
}
