package dev.switchboard.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.testing.Awaits;
import dev.switchboard.testing.GatewayExtension;
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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Streaming through the real gateway: order, usage, mid-stream faults, disconnects, back-pressure. */
@ExtendWith(VertxExtension.class)
class StreamingTest {

  private static final long FLOOD_BYTES = 1L << 30;

  @RegisterExtension
  final GatewayExtension gw = GatewayExtension.withConfig(vertx -> new MockProvider(vertx)
      .on("five", Behaviour.ok().withChunks(5, 0))
      .on("aborting", Behaviour.ok().withChunks(10, 0).abortingAfter(2))
      .on("endless", Behaviour.ok().withChunks(100_000, 20))
      .on("flood", Behaviour.ok().flooding(FLOOD_BYTES))
      .on("stalling", Behaviour.ok().withChunks(3, 10_000))
      .on("garbled", Behaviour.ok().withChunks(5, 0).garblingAt(2))
      .on("limited", Behaviour.error(429, "{\"error\":{\"message\":\"slow down\"}}", java.util.Map.of("retry-after", "3"))),
      m -> """
          model_list:
            - {model_name: five, litellm_params: {model: openai/five, api_base: %1$s, api_key: sk-up}}
            - {model_name: aborting, litellm_params: {model: openai/aborting, api_base: %1$s, api_key: sk-up}}
            - {model_name: endless, litellm_params: {model: openai/endless, api_base: %1$s, api_key: sk-up}}
            - {model_name: flood, litellm_params: {model: openai/flood, api_base: %1$s, api_key: sk-up}}
            - {model_name: stalling, litellm_params: {model: openai/stalling, api_base: %1$s, api_key: sk-up, stream_timeout: 2}}
            - {model_name: no-usage, litellm_params: {model: mistral/five, api_base: %1$s, api_key: sk-up}}
            - {model_name: garbled, litellm_params: {model: openai/garbled, api_base: %1$s, api_key: sk-up}}
            - {model_name: limited, litellm_params: {model: openai/limited, api_base: %1$s, api_key: sk-up}}
          router_settings: {num_retries: 0}
          """.formatted(m.apiBase()));

  private HttpClient client;

  @BeforeEach
  void start(Vertx vertx) {
    client = vertx.createHttpClient();
  }

  @AfterEach
  void stop() {
    client.close();
  }

  private Future<HttpClientResponse> stream(String model, boolean includeUsage) {
    JsonObject body = Requests.chat(model).stream().build();
    if (includeUsage) {
      body.put("stream_options", new JsonObject().put("include_usage", true));
    }
    return client.request(HttpMethod.POST, gw.port(), "127.0.0.1", "/v1/chat/completions")
        .compose(request -> request.putHeader("content-type", "application/json").send(body.toBuffer()));
  }

  /** The data of each SSE event in the whole body. */
  private static List<String> events(Buffer body) {
    List<String> out = new ArrayList<>();
    for (String event : body.toString().split("\n\n")) {
      if (event.startsWith("data: ")) {
        out.add(event.substring("data: ".length()));
      }
    }
    return out;
  }

  @Test
  void every_chunk_arrives_in_order_and_the_stream_ends_with_done(Vertx vertx, VertxTestContext ctx) {
    stream("five", false)
        .compose(response -> {
          ctx.verify(() -> assertTrue(response.getHeader("content-type").startsWith("text/event-stream")));
          return response.body();
        })
        .compose(body -> {
          ctx.verify(() -> {
            List<String> events = events(body);
            assertEquals(6, events.size(), body.toString());
            for (int i = 0; i < 5; i++) {
              assertEquals("tok" + i + " ", new JsonObject(events.get(i)).getJsonArray("choices").getJsonObject(0)
                  .getJsonObject("delta").getString("content"));
            }
            assertEquals("[DONE]", events.get(5));
            assertFalse(body.toString().contains("\"usage\""), "no usage chunk unless the client asked");
            JsonObject upstream = gw.mock().last().body();
            assertEquals(true, upstream.getJsonObject("stream_options").getBoolean("include_usage"),
                "the gateway asks for usage to price the stream");
          });
          return Awaits.until(vertx, () -> gw.gateway().ledger().totals("five").requests() == 1, 5_000);
        })
        .onComplete(ctx.succeeding(v -> ctx.verify(() -> {
          assertEquals(5, gw.gateway().ledger().totals("five").completionTokens(), "usage read from the stream");
          ctx.completeNow();
        })));
  }

  @Test
  void a_stream_without_reported_usage_is_counted_by_estimate(Vertx vertx, VertxTestContext ctx) {
    stream("no-usage", false)
        .compose(HttpClientResponse::body)
        .compose(body -> {
          ctx.verify(() -> assertFalse(gw.mock().last().body().containsKey("stream_options"),
              "this provider is not sent stream_options"));
          return Awaits.until(vertx, () -> gw.gateway().ledger().totals("no-usage").requests() == 1, 5_000);
        })
        .onComplete(ctx.succeeding(v -> ctx.verify(() -> {
          // Five chunks of "tokN " are 25 characters: 7 tokens at 4 characters a token; "Hi" is 1.
          assertEquals(7, gw.gateway().ledger().totals("no-usage").completionTokens());
          assertEquals(1, gw.gateway().ledger().totals("no-usage").promptTokens());
          ctx.completeNow();
        })));
  }

  @Test
  void include_usage_is_honoured(VertxTestContext ctx) {
    stream("five", true).compose(HttpClientResponse::body).onComplete(ctx.succeeding(body -> ctx.verify(() -> {
      List<String> events = events(body);
      assertEquals(7, events.size(), body.toString());
      JsonObject usageChunk = new JsonObject(events.get(5));
      assertTrue(usageChunk.getJsonArray("choices").isEmpty());
      assertEquals(15, usageChunk.getJsonObject("usage").getInteger("total_tokens"));
      assertEquals("[DONE]", events.get(6));
      ctx.completeNow();
    })));
  }

  @Test
  void a_stream_cut_mid_way_ends_with_an_error_event(VertxTestContext ctx) {
    stream("aborting", false).compose(HttpClientResponse::body).onComplete(ctx.succeeding(body -> ctx.verify(() -> {
      List<String> events = events(body);
      assertEquals(3, events.size(), body.toString());
      JsonObject error = new JsonObject(events.get(2)).getJsonObject("error");
      assertEquals("upstream_error", error.getString("type"));
      assertFalse(body.toString().contains("[DONE]"), "a broken stream must not look complete");
      ctx.completeNow();
    })));
  }

  @Test
  void a_stream_idle_past_stream_timeout_ends_with_a_timeout_event(VertxTestContext ctx) {
    stream("stalling", false).compose(HttpClientResponse::body).onComplete(ctx.succeeding(body -> ctx.verify(() -> {
      List<String> events = events(body);
      assertEquals(2, events.size(), body.toString());
      assertEquals("timeout", new JsonObject(events.get(1)).getJsonObject("error").getString("type"));
      assertFalse(body.toString().contains("[DONE]"));
      ctx.completeNow();
    })));
  }

  @Test
  void a_garbled_chunk_ends_the_stream_with_an_error_event(VertxTestContext ctx) {
    stream("garbled", false).compose(HttpClientResponse::body).onComplete(ctx.succeeding(body -> ctx.verify(() -> {
      List<String> events = events(body);
      assertEquals(3, events.size(), body.toString());
      assertEquals("upstream_invalid_response", new JsonObject(events.get(2)).getJsonObject("error").getString("code"));
      assertFalse(body.toString().contains("[DONE]"));
      ctx.completeNow();
    })));
  }

  @Test
  void an_error_before_the_first_byte_keeps_its_status(VertxTestContext ctx) {
    stream("limited", false).onComplete(ctx.succeeding(response -> ctx.verify(() -> {
      assertEquals(429, response.statusCode());
      assertEquals("3", response.getHeader("retry-after"));
      assertTrue(response.getHeader("content-type").startsWith("application/json"));
      ctx.completeNow();
    })));
  }

  @Test
  void a_client_that_leaves_stops_the_upstream_stream_within_a_second(Vertx vertx, VertxTestContext ctx) {
    long[] leftAt = new long[1];
    stream("endless", false).onComplete(ctx.succeeding(response -> response.exceptionHandler(closed -> { }).handler(first -> {
      response.handler(null);
      leftAt[0] = System.nanoTime();
      response.request().connection().close();
    })));
    gw.mock().streamClosedEarly.future().onComplete(ctx.succeeding(v -> ctx.verify(() -> {
      long millis = (System.nanoTime() - leftAt[0]) / 1_000_000;
      assertTrue(millis < 1000, "the provider's stream was reset " + millis + " ms after the client left");
      ctx.completeNow();
    })));
  }

  /**
   * The provider writes as fast as the gateway reads. With the client not reading, the gateway must
   * stop reading too: the provider's writes stall far below the 1 GiB it would send, and stay stalled.
   */
  @Test
  void a_client_that_does_not_read_slows_the_upstream_instead_of_filling_the_heap(Vertx vertx, VertxTestContext ctx) {
    AtomicLong lastSeen = new AtomicLong(-1);
    AtomicLong stableTicks = new AtomicLong();
    stream("flood", false)
        .compose(response -> {
          response.exceptionHandler(closed -> { }).pause();
          return Awaits.until(vertx, () -> {
            long now = gw.mock().floodSent.get();
            stableTicks.set(now == lastSeen.getAndSet(now) && now > 0 ? stableTicks.get() + 1 : 0);
            return stableTicks.get() >= 50 || now >= FLOOD_BYTES;
          }, 60_000).map(response);
        })
        .onComplete(ctx.succeeding(response -> ctx.verify(() -> {
          long sent = gw.mock().floodSent.get();
          assertTrue(sent < FLOOD_BYTES / 8, "upstream kept sending while the client was not reading: " + sent);
          response.request().connection().close();
          ctx.completeNow();
        })));
  }
}
