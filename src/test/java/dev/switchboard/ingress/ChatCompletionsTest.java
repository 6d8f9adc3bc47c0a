package dev.switchboard.ingress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.spend.SpendLedger;
import dev.switchboard.testing.Awaits;
import dev.switchboard.testing.GatewayExtension;
import dev.switchboard.testing.Gateways;
import dev.switchboard.testing.MockProvider;
import dev.switchboard.testing.MockProvider.Behaviour;
import dev.switchboard.testing.Requests;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Non-streaming chat, errors, auth, models and health, through the real server and a mock provider. */
@ExtendWith(VertxExtension.class)
class ChatCompletionsTest {

  @RegisterExtension
  final GatewayExtension gw = GatewayExtension.withConfig(vertx -> new MockProvider(vertx)
      .on("upstream-429", Behaviour.error(429, "{\"error\":{\"message\":\"Rate limit reached\",\"type\":\"requests\"}}",
          Map.of("retry-after", "7")))
      .on("upstream-500", Behaviour.error(500, "{\"error\":{\"message\":\"boom\"}}", Map.of()))
      .on("upstream-400", Behaviour.error(400,
          "{\"error\":{\"message\":\"Unrecognized request argument supplied: foo\",\"type\":\"invalid_request_error\",\"param\":\"foo\",\"code\":null}}",
          Map.of()))
      .on("upstream-401", Behaviour.error(401, "{\"error\":{\"message\":\"Incorrect API key provided: " + UPSTREAM_KEY
          + ". Key hash " + KEY_HASH + ". Authorization: Bearer " + UPSTREAM_KEY + "\",\"type\":\"invalid_request_error\"}}",
          Map.of()))
      .on("upstream-slow", Behaviour.ok().withDelay(5_000))
      .on("upstream-reset", Behaviour.ok().resetting())
      .on("upstream-stall", Behaviour.ok().withChunks(1, 10_000)),
      m -> config(m.apiBase(), Gateways.freePort()));

  static final String MASTER_KEY = "sk-master-test-0123456789";
  static final String UPSTREAM_KEY = "sk-upstream-secret-key-1234567890";
  static final String KEY_HASH = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

  static String config(String apiBase, int closedPort) {
    return """
        model_list:
          - model_name: chat
            litellm_params: {model: openai/upstream-ok, api_base: %1$s, api_key: %2$s}
            model_info: {input_cost_per_token: 0.001, output_cost_per_token: 0.002}
          - model_name: groq-chat
            litellm_params: {model: groq/llama-3.1-8b-instant, api_base: %1$s, api_key: %2$s}
          - model_name: limited
            litellm_params: {model: openai/upstream-429, api_base: %1$s, api_key: %2$s}
          - model_name: broken
            litellm_params: {model: openai/upstream-500, api_base: %1$s, api_key: %2$s}
          - model_name: picky
            litellm_params: {model: openai/upstream-400, api_base: %1$s, api_key: %2$s}
          - model_name: leaky
            litellm_params: {model: openai/upstream-401, api_base: %1$s, api_key: %2$s}
          - model_name: slow
            litellm_params: {model: openai/upstream-slow, api_base: %1$s, api_key: %2$s, timeout: 0.3}
          - model_name: stalling
            litellm_params: {model: openai/upstream-stall, api_base: %1$s, api_key: %2$s, timeout: 0.3}
          - model_name: resetting
            litellm_params: {model: openai/upstream-reset, api_base: %1$s, api_key: %2$s}
          - model_name: offline
            litellm_params: {model: openai/anything, api_base: "http://127.0.0.1:%3$d/v1", api_key: %2$s}
          - model_name: unkeyed
            litellm_params: {model: openai/upstream-ok, api_base: %1$s, api_key: os.environ/SWITCHBOARD_TEST_UNSET_KEY}
        router_settings: {num_retries: 0}
        general_settings:
          master_key: %4$s
          max_request_size_mb: 0.01
        """.formatted(apiBase, UPSTREAM_KEY, closedPort, MASTER_KEY);
  }

  private HttpRequest<Buffer> post(String path) {
    return gw.post(path).putHeader("Authorization", "Bearer " + MASTER_KEY);
  }

  static JsonObject chat(String model) {
    return Requests.hi(model);
  }

  private void expect(VertxTestContext ctx, Future<HttpResponse<Buffer>> call, Consumer<HttpResponse<Buffer>> check) {
    call.onComplete(ctx.succeeding(response -> ctx.verify(() -> {
      check.accept(response);
      ctx.completeNow();
    })));
  }

  private static JsonObject error(HttpResponse<Buffer> response) {
    JsonObject error = response.bodyAsJsonObject().getJsonObject("error");
    assertNotNull(error, "OpenAI error shape: " + response.bodyAsString());
    assertTrue(error.containsKey("message") && error.containsKey("type") && error.containsKey("param")
        && error.containsKey("code"), "all four error fields: " + error);
    return error;
  }

  @Test
  void a_chat_completion_is_relayed_with_the_prefix_stripped_and_gateway_fields_consumed(VertxTestContext ctx) {
    JsonObject body = chat("chat").put("temperature", 0.2).put("user", "u-1")
        .put("metadata", new JsonObject().put("tags", new JsonArray().add("t")))
        .put("fallbacks", new JsonArray().add("other")).put("num_retries", 2).put("tags", new JsonArray().add("x"))
        // A null mock_response asks for no mock (a string is answered by the mock stage, MockResponseTest): still consumed.
        .putNull("mock_response").put("api_key", "sk-client-supplied-secret");
    expect(ctx, post("/v1/chat/completions").sendJsonObject(body), response -> {
      assertEquals(200, response.statusCode(), response.bodyAsString());
      assertEquals("Hello from upstream-ok", response.bodyAsJsonObject().getJsonArray("choices").getJsonObject(0)
          .getJsonObject("message").getString("content"));
      assertNotNull(response.getHeader("x-litellm-call-id"));
      JsonObject upstream = gw.mock().last().body();
      assertEquals("upstream-ok", upstream.getString("model"));
      assertEquals(0.2, upstream.getDouble("temperature"));
      assertEquals("u-1", upstream.getString("user"));
      for (String field : new String[] {"metadata", "fallbacks", "num_retries", "tags", "mock_response", "api_key"}) {
        assertFalse(upstream.containsKey(field), field + " must not be forwarded: " + upstream);
      }
      assertEquals("Bearer " + UPSTREAM_KEY, gw.mock().last().headers().get("authorization"));
    });
  }

  @Test
  void the_short_path_and_another_openai_compatible_provider_work(VertxTestContext ctx) {
    expect(ctx, post("/chat/completions").sendJsonObject(chat("groq-chat")), response -> {
      assertEquals(200, response.statusCode(), response.bodyAsString());
      assertEquals("llama-3.1-8b-instant", gw.mock().last().body().getString("model"));
    });
  }

  @Test
  void spend_is_priced_from_model_info_and_totalled_per_model(Vertx vertx, VertxTestContext ctx) {
    SpendLedger ledger = gw.gateway().ledger();
    post("/v1/chat/completions").sendJsonObject(chat("chat"))
        .compose(r -> Awaits.until(vertx, () -> ledger.totals("chat").requests() == 1, 5_000))
        .onComplete(ctx.succeeding(v -> ctx.verify(() -> {
          SpendLedger.Totals totals = ledger.totals("chat");
          assertEquals(10, totals.promptTokens());
          assertEquals(5, totals.completionTokens());
          assertEquals(10 * 0.001 + 5 * 0.002, totals.cost(), 1e-12);
          ctx.completeNow();
        })));
  }

  @Test
  void every_accepted_key_header_is_accepted(VertxTestContext ctx) {
    String url = "/v1/models";
    Future.all(
            gw.get(url).putHeader("Authorization", "Bearer " + MASTER_KEY).send(),
            gw.get(url).putHeader("x-api-key", MASTER_KEY).send(),
            gw.get(url).putHeader("api-key", MASTER_KEY).send())
        .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
          for (int i = 0; i < 3; i++) {
            HttpResponse<Buffer> response = all.resultAt(i);
            assertEquals(200, response.statusCode(), response.bodyAsString());
          }
          ctx.completeNow();
        })));
  }

  @Test
  void a_missing_key_is_401_naming_the_accepted_headers(VertxTestContext ctx) {
    expect(ctx, gw.post("/v1/chat/completions").sendJsonObject(chat("chat")), response -> {
      assertEquals(401, response.statusCode());
      String message = error(response).getString("message");
      assertTrue(message.contains("Authorization: Bearer") && message.contains("x-api-key") && message.contains("api-key"),
          message);
    });
  }

  @Test
  void a_wrong_key_is_401_and_not_echoed(VertxTestContext ctx) {
    expect(ctx, gw.post("/v1/chat/completions")
        .putHeader("x-api-key", "sk-wrong-key-abcdef").sendJsonObject(chat("chat")), response -> {
          assertEquals(401, response.statusCode());
          assertEquals("authentication_error", error(response).getString("type"));
          assertFalse(response.bodyAsString().contains("sk-wrong-key-abcdef"));
        });
  }

  @Test
  void an_unknown_model_is_404_listing_the_available_ones(VertxTestContext ctx) {
    expect(ctx, post("/v1/chat/completions").sendJsonObject(chat("gpt-nonexistent")), response -> {
      assertEquals(404, response.statusCode());
      JsonObject error = error(response);
      assertEquals("model", error.getString("param"));
      assertTrue(error.getString("message").contains("chat, groq-chat, limited"), error.getString("message"));
    });
  }

  @Test
  void malformed_json_is_400(VertxTestContext ctx) {
    expect(ctx, post("/v1/chat/completions").putHeader("content-type", "application/json")
        .sendBuffer(Buffer.buffer("{\"model\": \"chat\", ")), response -> {
          assertEquals(400, response.statusCode());
          assertTrue(error(response).getString("message").contains("not a valid JSON object"));
        });
  }

  @Test
  void a_missing_or_mistyped_model_or_messages_is_400_naming_the_field(VertxTestContext ctx) {
    Future.all(
            post("/v1/chat/completions").sendJsonObject(chat("chat").put("model", 42)),
            post("/v1/chat/completions").sendJsonObject(new JsonObject().put("messages", new JsonArray())),
            post("/v1/chat/completions").sendJsonObject(new JsonObject().put("model", "chat")),
            post("/v1/chat/completions").sendJsonObject(new JsonObject().put("model", "chat").put("messages", "hi")),
            post("/v1/chat/completions").sendJsonObject(chat("chat").put("stream", "yes")))
        .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
          String[] params = {"model", "model", "messages", "messages", "stream"};
          for (int i = 0; i < params.length; i++) {
            HttpResponse<Buffer> response = all.resultAt(i);
            assertEquals(400, response.statusCode(), response.bodyAsString());
            assertEquals(params[i], error(response).getString("param"));
          }
          assertTrue(gw.mock().received().isEmpty(), "nothing invalid reaches the provider");
          ctx.completeNow();
        })));
  }

  @Test
  void a_body_over_max_request_size_is_413(VertxTestContext ctx) {
    JsonObject big = chat("chat").put("padding", "x".repeat(20_000));
    expect(ctx, post("/v1/chat/completions").sendJsonObject(big), response -> {
      assertEquals(413, response.statusCode());
      assertTrue(error(response).getString("message").contains("max_request_size_mb"));
    });
  }

  /** No Content-Length and the body never ends: only a limit checked while reading can answer. */
  @Test
  void a_chunked_body_is_refused_once_it_passes_the_limit_while_still_arriving(Vertx vertx, VertxTestContext ctx) {
    io.vertx.core.http.HttpClient raw = vertx.createHttpClient();
    raw.request(io.vertx.core.http.HttpMethod.POST, gw.port(), "127.0.0.1", "/v1/chat/completions")
        .compose(request -> {
          // The gateway answers and closes while this request is still sending: expected here.
          request.exceptionHandler(closedWhileSending -> { });
          request.setChunked(true).putHeader("Authorization", "Bearer " + MASTER_KEY)
              .putHeader("content-type", "application/json");
          Buffer piece = Buffer.buffer("x".repeat(4096));
          for (int i = 0; i < 4; i++) {
            request.write(piece);
          }
          return request.response();
        })
        .compose(response -> response.body().map(body -> {
          ctx.verify(() -> {
            assertEquals(413, response.statusCode());
            assertTrue(body.toString().contains("request_too_large"), body.toString());
          });
          return body;
        }))
        .eventually(raw::close)
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void an_upstream_4xx_keeps_its_status_and_message(VertxTestContext ctx) {
    expect(ctx, post("/v1/chat/completions").sendJsonObject(chat("picky")), response -> {
      assertEquals(400, response.statusCode());
      JsonObject error = error(response);
      assertTrue(error.getString("message").contains("Unrecognized request argument supplied: foo"));
      assertEquals("foo", error.getString("param"));
    });
  }

  @Test
  void an_upstream_429_stays_429_with_retry_after(VertxTestContext ctx) {
    expect(ctx, post("/v1/chat/completions").sendJsonObject(chat("limited")), response -> {
      assertEquals(429, response.statusCode());
      assertEquals("7", response.getHeader("Retry-After"));
      assertEquals("rate_limit_error", error(response).getString("type"));
    });
  }

  @Test
  void an_upstream_500_stays_an_internal_server_error(VertxTestContext ctx) {
    expect(ctx, post("/v1/chat/completions").sendJsonObject(chat("broken")), response -> {
      assertEquals(500, response.statusCode());
      assertEquals("internal_server_error", error(response).getString("type"));
      assertTrue(error(response).getString("message").contains("boom"));
    });
  }

  @Test
  void an_unreachable_provider_is_503(VertxTestContext ctx) {
    expect(ctx, post("/v1/chat/completions").sendJsonObject(chat("offline")), response -> {
      assertEquals(503, response.statusCode());
      assertTrue(error(response).getString("message").contains("Cannot connect"));
    });
  }

  @Test
  void a_provider_that_closes_the_connection_is_502(VertxTestContext ctx) {
    expect(ctx, post("/v1/chat/completions").sendJsonObject(chat("resetting")), response -> {
      assertEquals(502, response.statusCode());
      error(response);
    });
  }

  @Test
  void a_provider_slower_than_the_timeout_is_408(VertxTestContext ctx) {
    expect(ctx, post("/v1/chat/completions").sendJsonObject(chat("slow")), response -> {
      assertEquals(408, response.statusCode());
      assertEquals("timeout", error(response).getString("type"));
    });
  }

  @Test
  void a_provider_that_stalls_mid_answer_is_408(VertxTestContext ctx) {
    expect(ctx, post("/v1/chat/completions").sendJsonObject(chat("stalling")), response -> {
      assertEquals(408, response.statusCode(), response.bodyAsString());
      assertEquals("timeout", error(response).getString("type"));
    });
  }

  @Test
  void upstream_error_bodies_are_scrubbed_of_keys_and_hashes(VertxTestContext ctx) {
    expect(ctx, post("/v1/chat/completions").sendJsonObject(chat("leaky")), response -> {
      assertEquals(401, response.statusCode());
      String body = response.bodyAsString();
      assertFalse(body.contains(UPSTREAM_KEY), body);
      assertFalse(body.contains(KEY_HASH), body);
      assertFalse(body.contains("1234567890"), body);
      assertTrue(error(response).getString("message").contains("Incorrect API key provided"), body);
    });
  }

  @Test
  void a_deployment_whose_env_var_is_unset_loads_and_names_the_variable_when_called(VertxTestContext ctx) {
    expect(ctx, post("/v1/chat/completions").sendJsonObject(chat("unkeyed")), response -> {
      assertEquals(500, response.statusCode());
      assertTrue(error(response).getString("message").contains("SWITCHBOARD_TEST_UNSET_KEY"));
      assertTrue(gw.mock().received().isEmpty());
    });
  }

  @Test
  void models_lists_the_model_names_in_openai_shape(VertxTestContext ctx) {
    Future.all(
            gw.get("/v1/models").putHeader("Authorization", "Bearer " + MASTER_KEY).send(),
            gw.get("/models").putHeader("Authorization", "Bearer " + MASTER_KEY).send(),
            gw.get("/v1/models").send())
        .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
          for (int i = 0; i < 2; i++) {
            JsonObject list = ((HttpResponse<Buffer>) all.resultAt(i)).bodyAsJsonObject();
            assertEquals("list", list.getString("object"));
            JsonArray data = list.getJsonArray("data");
            assertEquals(11, data.size());
            assertEquals("chat", data.getJsonObject(0).getString("id"));
            assertEquals("model", data.getJsonObject(0).getString("object"));
          }
          assertEquals(401, ((HttpResponse<Buffer>) all.resultAt(2)).statusCode());
          ctx.completeNow();
        })));
  }

  @Test
  void health_probes_answer_without_a_key(VertxTestContext ctx) {
    Future.all(
            gw.get("/health/liveliness").send(),
            gw.get("/health/liveness").send(),
            gw.get("/health/readiness").send())
        .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
          for (int i = 0; i < 3; i++) {
            HttpResponse<Buffer> response = all.resultAt(i);
            assertEquals(200, response.statusCode());
            assertEquals("healthy", response.bodyAsJsonObject().getString("status"));
            assertNotNull(response.bodyAsJsonObject().getString("version"));
          }
          ctx.completeNow();
        })));
  }

  @Test
  void without_a_database_key_management_says_why_it_is_off(VertxTestContext ctx) {
    expect(ctx, post("/key/generate").sendJsonObject(new JsonObject()), response -> {
      assertEquals(503, response.statusCode());
      assertTrue(error(response).getString("message").contains("database_url: none"));
    });
  }

  @Test
  void an_unknown_endpoint_is_a_json_404(VertxTestContext ctx) {
    expect(ctx, post("/v1/nothing-here").sendJsonObject(new JsonObject()), response -> {
      assertEquals(404, response.statusCode());
      assertNull(error(response).getString("param"));
    });
  }
}
