package dev.switchboard.callbacks;

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
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Each logging sink against a mock of its API on loopback: Langfuse's ingestion batch with basic
 * auth, Datadog's logs intake with DD-API-KEY, the generic logger's JSON array with its headers;
 * every event carries LiteLLM's StandardLoggingPayload fields, message text only when logging it is
 * on, and never a secret.
 */
@ExtendWith(VertxExtension.class)
class CallbackSinksTest {

  static final String MASTER = "sk-callbacks-master-0123456789";
  static final String UPSTREAM_KEY = "sk-upstream-provider-secret-77";
  static final String USER_SECRET = "sk-live-abcdefghijklmnop0123";
  static final String USER_TEXT = "Tell me about the harbour lighthouse";
  static final List<String> PAYLOAD_FIELDS = List.of("id", "trace_id", "call_type", "stream", "response_cost", "status",
      "custom_llm_provider", "total_tokens", "prompt_tokens", "completion_tokens", "startTime", "endTime",
      "completionStartTime", "response_time", "model_map_information", "model", "model_id", "model_group", "api_base",
      "metadata", "cache_hit", "cache_key", "saved_cache_cost", "request_tags", "end_user", "requester_ip_address",
      "messages", "response", "error_str", "error_information", "model_parameters", "hidden_params");

  private MockProvider mock;
  private SinkServer sink;
  private Gateway gateway;
  private WebClient client;

  @AfterEach
  void stop(VertxTestContext ctx) {
    if (client != null) {
      client.close();
    }
    Future.join(gateway == null ? Future.succeededFuture() : gateway.close(),
        sink == null ? Future.succeededFuture() : sink.stop(),
        mock == null ? Future.succeededFuture() : mock.stop()).onComplete(ctx.succeedingThenComplete());
  }

  static String config(String apiBase, String callbacks, String extra) {
    return """
        model_list:
          - {model_name: chat, litellm_params: {model: openai/gpt-4o, api_base: "%1$s", api_key: %2$s}, model_info: {id: chat-1}}
          - {model_name: broken, litellm_params: {model: openai/broken, api_base: "%1$s", api_key: %2$s}, model_info: {id: broken-1}}
        router_settings: {num_retries: 0}
        general_settings: {master_key: %3$s}
        litellm_settings:
          %4$s
          callback_flush_interval: 0.05
          %5$s
        """.formatted(apiBase, UPSTREAM_KEY, MASTER, callbacks, extra);
  }

  /** Starts the sink (in {@code mode}), the provider mock and a gateway whose sinks all post to the sink. */
  Future<Void> start(Vertx vertx, SinkServer.Mode mode, String callbacks, String extra) {
    mock = new MockProvider(vertx).on("broken", Behaviour.error(500, "{\"error\":{\"message\":\"boom\"}}", Map.of()));
    sink = new SinkServer(vertx, mode, 200);
    client = WebClient.create(vertx);
    return sink.start().compose(s -> mock.start()).compose(m -> {
      Map<String, String> env = new HashMap<>();
      env.put("LANGFUSE_PUBLIC_KEY", "pk-lf-test");
      env.put("LANGFUSE_SECRET_KEY", "sk-lf-secret-test");
      env.put("LANGFUSE_HOST", sink.url(""));
      env.put("DD_API_KEY", "dd-key-test");
      env.put("DD_BASE_URL", sink.url(""));
      env.put("GENERIC_LOGGER_ENDPOINT", sink.url("/generic/log"));
      env.put("GENERIC_LOGGER_HEADERS", "Authorization=Bearer sink-token-1,X-Team=blue");
      return Gateways.start(config(m.apiBase(), callbacks, extra), env, 2);
    }).map(g -> {
      gateway = g;
      return null;
    });
  }

  Future<HttpResponse<Buffer>> chat(String model, String text) {
    return client.post(gateway.port(), "127.0.0.1", "/v1/chat/completions")
        .putHeader("Authorization", "Bearer " + MASTER)
        .sendJsonObject(Requests.chat(model).user(text).build().put("metadata", new JsonObject().put("tags",
            new JsonArray().add("harbour"))));
  }

  static void assertNoSecrets(String body) {
    assertFalse(body.contains(UPSTREAM_KEY), "the provider key left the gateway");
    assertFalse(body.contains(MASTER), "the master key left the gateway");
    assertFalse(body.contains(USER_SECRET), "a key-shaped secret in the prompt left the gateway");
  }

  @Test
  void each_sink_gets_the_request_in_its_own_wire_format_and_auth(Vertx vertx, VertxTestContext ctx) {
    start(vertx, SinkServer.Mode.ANSWER, "callbacks: [\"langfuse\", \"datadog\", \"generic_api\"]", "")
        .compose(v -> chat("chat", USER_TEXT + " " + USER_SECRET))
        .compose(answer -> {
          assertEquals(200, answer.statusCode(), answer.bodyAsString());
          return Awaits.until(vertx, () -> !sink.postsTo("/api/public/ingestion").isEmpty()
              && !sink.postsTo("/api/v2/logs").isEmpty() && !sink.postsTo("/generic/log").isEmpty(), 10_000);
        })
        .onComplete(ctx.succeeding(v -> ctx.verify(() -> {
          SinkServer.Post langfuse = sink.postsTo("/api/public/ingestion").get(0);
          assertEquals("Basic " + Base64.getEncoder().encodeToString("pk-lf-test:sk-lf-secret-test"
              .getBytes(StandardCharsets.UTF_8)), langfuse.headers().get("authorization"));
          JsonArray batch = langfuse.body().toJsonObject().getJsonArray("batch");
          assertEquals("trace-create", batch.getJsonObject(0).getString("type"));
          JsonObject generation = batch.getJsonObject(1);
          assertEquals("generation-create", generation.getString("type"));
          assertNotNull(generation.getString("id"));
          assertNotNull(generation.getString("timestamp"));
          JsonObject body = generation.getJsonObject("body");
          assertEquals(batch.getJsonObject(0).getJsonObject("body").getString("id"), body.getString("traceId"));
          assertEquals("gpt-4o", body.getString("model"));
          assertEquals("TOKENS", body.getJsonObject("usage").getString("unit"));
          assertTrue(body.getJsonObject("usage").getLong("total") > 0);
          assertTrue(body.encode().contains(USER_TEXT), "the prompt is logged while message logging is on: " + body.encode());
          assertNoSecrets(langfuse.body().toString());

          SinkServer.Post datadog = sink.postsTo("/api/v2/logs").get(0);
          assertEquals("dd-key-test", datadog.headers().get("dd-api-key"));
          JsonObject log = datadog.body().toJsonArray().getJsonObject(0);
          assertEquals("litellm", log.getString("ddsource"));
          assertEquals("litellm-server", log.getString("service"));
          assertEquals("info", log.getString("status"));
          assertTrue(log.getString("ddtags").contains("request_tag:harbour"), log.getString("ddtags"));
          JsonObject ddPayload = new JsonObject(log.getString("message"));
          PAYLOAD_FIELDS.forEach(f -> assertTrue(ddPayload.containsKey(f), "datadog payload lacks " + f));
          assertNoSecrets(datadog.body().toString());

          SinkServer.Post generic = sink.postsTo("/generic/log").get(0);
          assertEquals("Bearer sink-token-1", generic.headers().get("authorization"));
          assertEquals("blue", generic.headers().get("x-team"));
          JsonObject payload = generic.body().toJsonArray().getJsonObject(0);
          PAYLOAD_FIELDS.forEach(f -> assertTrue(payload.containsKey(f), "generic payload lacks " + f));
          assertEquals("success", payload.getString("status"));
          assertEquals("chat", payload.getString("model_group"));
          assertEquals("chat-1", payload.getString("model_id"));
          assertEquals("openai", payload.getString("custom_llm_provider"));
          assertEquals("acompletion", payload.getString("call_type"));
          assertEquals(new JsonArray().add("harbour"), payload.getJsonArray("request_tags"));
          assertTrue(payload.getDouble("endTime") >= payload.getDouble("startTime"));
          assertTrue(payload.getValue("messages") instanceof JsonArray, payload.encode());
          assertTrue(payload.getValue("response") instanceof JsonObject, payload.encode());
          assertTrue(payload.getJsonObject("metadata").containsKey("user_api_key_hash"));
          assertNoSecrets(generic.body().toString());
          ctx.completeNow();
        })));
  }

  @Test
  void with_message_logging_off_no_prompt_or_answer_text_leaves(Vertx vertx, VertxTestContext ctx) {
    start(vertx, SinkServer.Mode.ANSWER, "callbacks: [\"generic_api\", \"langfuse\"]", "turn_off_message_logging: true")
        .compose(v -> chat("chat", USER_TEXT))
        .compose(answer -> Awaits.until(vertx, () -> !sink.postsTo("/generic/log").isEmpty()
            && !sink.postsTo("/api/public/ingestion").isEmpty(), 10_000))
        .onComplete(ctx.succeeding(v -> ctx.verify(() -> {
          JsonObject payload = sink.postsTo("/generic/log").get(0).body().toJsonArray().getJsonObject(0);
          assertEquals(LoggingPayload.REDACTED, payload.getValue("messages"));
          assertEquals(LoggingPayload.REDACTED, payload.getValue("response"));
          assertTrue(payload.getLong("total_tokens") > 0, "usage is still logged");
          for (SinkServer.Post post : sink.posts) {
            assertFalse(post.body().toString().contains("harbour lighthouse"), post.path());
            assertFalse(post.body().toString().contains(MockProvider.completion("gpt-4o").getJsonArray("choices")
                .getJsonObject(0).getJsonObject("message").getString("content")), post.path());
          }
          ctx.completeNow();
        })));
  }

  @Test
  void failures_go_to_failure_callbacks_only_with_their_error(Vertx vertx, VertxTestContext ctx) {
    start(vertx, SinkServer.Mode.ANSWER, "success_callback: [\"langfuse\"]\n  failure_callback: [\"generic_api\"]", "")
        .compose(v -> chat("broken", "hi"))
        .compose(answer -> {
          assertEquals(500, answer.statusCode() / 100 * 100, answer.bodyAsString());
          return chat("chat", "hello");
        })
        .compose(answer -> Awaits.until(vertx, () -> !sink.postsTo("/generic/log").isEmpty()
            && !sink.postsTo("/api/public/ingestion").isEmpty(), 10_000))
        .onComplete(ctx.succeeding(v -> ctx.verify(() -> {
          List<SinkServer.Post> generic = sink.postsTo("/generic/log");
          assertEquals(1, generic.size());
          JsonArray failures = generic.get(0).body().toJsonArray();
          assertEquals(1, failures.size(), "only the failure reaches the failure callback");
          JsonObject failure = failures.getJsonObject(0);
          assertEquals("failure", failure.getString("status"));
          assertEquals("broken", failure.getString("model_group"));
          assertNotNull(failure.getString("error_str"));
          assertTrue(failure.getJsonObject("error_information").getString("error_code").startsWith("5"));
          JsonArray langfuse = sink.postsTo("/api/public/ingestion").get(0).body().toJsonObject().getJsonArray("batch");
          assertEquals(2, langfuse.size(), "only the success reaches the success callback");
          ctx.completeNow();
        })));
  }
}
