package dev.switchboard.ingress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.models.moderations.ModerationCreateParams;
import com.openai.models.moderations.ModerationCreateResponse;
import dev.switchboard.testing.Awaits;
import dev.switchboard.compat.OpenAiSpec;
import dev.switchboard.testing.GatewayExtension;
import dev.switchboard.testing.MockProvider;
import dev.switchboard.testing.TestDatabase;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code POST /v1/moderations} (and {@code /moderations}) passed through to an OpenAI-format
 * deployment, with or without a model (LiteLLM's proxy needs none), through the same pipeline as
 * chat: keys, model access, rate limits, a spend row with {@code amoderation}, provider errors in
 * OpenAI's shape, and a 400 for a provider that has no moderations.
 */
@ExtendWith(VertxExtension.class)
class ModerationsTest {

  private static final String MASTER = "sk-moderation-master";
  private static final String UPSTREAM_KEY = "sk-openai-moderation";
  /** Input the mock refuses as OpenAI refuses a bad request. */
  private static final String REFUSED = "refuse me";

  @RegisterExtension
  final GatewayExtension gw = GatewayExtension.manual();

  private HttpServer openai;
  private final List<String> paths = new CopyOnWriteArrayList<>();
  private final List<MultiMap> headers = new CopyOnWriteArrayList<>();
  private final List<JsonObject> bodies = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start(Vertx vertx) {
    String url = TestDatabase.newDatabaseUrl();
    openai = await(vertx.createHttpServer().requestHandler(this::moderate).listen(0, "127.0.0.1"), 30);
    await(gw.start(new MockProvider(vertx), m -> """
        model_list:
          - model_name: omni-moderation-latest
            litellm_params: {model: openai/omni-moderation-2024-09-26, api_base: "http://127.0.0.1:%1$d/v1", api_key: %2$s}
          - model_name: text-moderation-stable
            litellm_params: {model: openai/text-moderation-007, api_base: "http://127.0.0.1:%1$d/v1", api_key: %2$s}
          - model_name: claude
            litellm_params: {model: anthropic/claude-sonnet-4-5, api_base: "http://127.0.0.1:%3$d", api_key: sk-ant}
        router_settings: {num_retries: 0}
        general_settings: {master_key: %4$s, database_url: "%5$s", proxy_batch_write_at: 0.05}
        """.formatted(openai.actualPort(), UPSTREAM_KEY, m.port(), MASTER, url)), 60);
  }

  @AfterEach
  void stop() {
    await(openai.close(), 30);
  }

  /** OpenAI's /v1/moderations, strictly: its path, its bearer key, only model and input. */
  private void moderate(HttpServerRequest request) {
    request.body().onSuccess(raw -> {
      paths.add(request.path());
      headers.add(MultiMap.caseInsensitiveMultiMap().addAll(request.headers()));
      JsonObject body = raw.toJsonObject();
      bodies.add(body);
      if (!"/v1/moderations".equals(request.path())) {
        error(request, 404, "Invalid URL (POST " + request.path() + ")", null);
      } else if (!("Bearer " + UPSTREAM_KEY).equals(request.getHeader("Authorization"))) {
        error(request, 401, "Incorrect API key provided.", "invalid_api_key");
      } else if (!Set.of("model", "input").containsAll(body.fieldNames())) {
        error(request, 400, "Unrecognized request argument supplied: " + body.fieldNames(), null);
      } else if (REFUSED.equals(body.getValue("input"))) {
        error(request, 400, "Invalid value for 'input'.", null);
      } else {
        JsonObject categories = new JsonObject().put("hate", false).put("violence", false);
        JsonObject scores = new JsonObject().put("hate", 0.0001).put("violence", 0.0002);
        request.response().putHeader("content-type", "application/json").end(new JsonObject().put("id", "modr-123")
            .put("model", body.getString("model")).put("results", new JsonArray().add(new JsonObject()
                .put("flagged", false).put("categories", categories).put("category_scores", scores))).encode());
      }
    });
  }

  private static void error(HttpServerRequest request, int status, String message, String code) {
    request.response().setStatusCode(status).putHeader("content-type", "application/json")
        .end(new JsonObject().put("error", new JsonObject().put("message", message).put("type", "invalid_request_error")
            .put("param", null).put("code", code)).encode());
  }

  private static <T> T await(Future<T> future, int seconds) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(seconds, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private HttpResponse<Buffer> moderation(String path, String key, JsonObject body) {
    return await(gw.post(path).putHeader("Authorization", "Bearer " + key).sendJsonObject(body), 30);
  }

  private String newKey(JsonObject fields) {
    return await(gw.post("/key/generate").putHeader("Authorization", "Bearer " + MASTER).sendJsonObject(fields), 30)
        .bodyAsJsonObject().getString("key");
  }

  @Test
  void both_paths_pass_the_call_through_with_the_deployments_model_and_key() {
    for (String path : List.of("/v1/moderations", "/moderations")) {
      HttpResponse<Buffer> answer = moderation(path, MASTER, new JsonObject().put("model", "text-moderation-stable")
          .put("input", "hello").put("metadata", new JsonObject().put("tags", new JsonArray().add("x"))));
      assertEquals(200, answer.statusCode(), path + ": " + answer.bodyAsString());
      assertEquals("modr-123", answer.bodyAsJsonObject().getString("id"));
      assertEquals("text-moderation-007", answer.bodyAsJsonObject().getString("model"));
      assertEquals("/v1/moderations", paths.get(paths.size() - 1));
      assertEquals("Bearer " + UPSTREAM_KEY, headers.get(headers.size() - 1).get("Authorization"));
      assertEquals(new JsonObject().put("input", "hello").put("model", "text-moderation-007"), bodies.get(bodies.size() - 1));
    }
  }

  @Test
  void a_request_without_a_model_goes_to_omni_moderation_latest() {
    HttpResponse<Buffer> answer = moderation("/v1/moderations", MASTER, new JsonObject().put("input", "hello"));
    assertEquals(200, answer.statusCode(), answer.bodyAsString());
    assertEquals("omni-moderation-2024-09-26", bodies.get(0).getString("model"));
  }

  @Test
  void the_openai_sdk_moderates_through_the_gateway() {
    OpenAIClient client = OpenAIOkHttpClient.builder().apiKey(MASTER).baseUrl("http://127.0.0.1:" + gw.port() + "/v1")
        .maxRetries(0).build();
    try {
      ModerationCreateResponse response = client.moderations().create(ModerationCreateParams.builder()
          .input("is this fine?").model("omni-moderation-latest").build());
      assertEquals("modr-123", response.id());
      assertFalse(response.results().get(0).flagged());
      assertEquals(List.of("is this fine?"), List.of(bodies.get(0).getString("input")));
    } finally {
      client.close();
    }
  }

  @Test
  void a_keys_moderation_gets_a_spend_row_with_litellms_call_type_at_no_cost(Vertx vertx) {
    String key = newKey(new JsonObject().put("key_alias", "mod"));
    HttpResponse<Buffer> answer = moderation("/v1/moderations", key, new JsonObject().put("input", "hello"));
    assertEquals(200, answer.statusCode(), answer.bodyAsString());
    assertEquals(0.0, Double.parseDouble(answer.getHeader("x-litellm-response-cost")));
    await(Awaits.until(vertx, () -> gw.gateway().accounting().writer().writtenRows() >= 1, 10_000), 15);
    JsonArray rows = await(gw.get("/spend/logs").putHeader("Authorization", "Bearer " + MASTER)
        .addQueryParam("api_key", key).send(), 30).bodyAsJsonArray();
    assertEquals(1, rows.size(), rows.encode());
    JsonObject row = rows.getJsonObject(0);
    assertEquals("amoderation", row.getString("call_type"));
    assertEquals("omni-moderation-latest", row.getString("model_group"));
    assertEquals(0.0, row.getDouble("spend"));
  }

  @Test
  void a_key_without_the_model_is_refused_before_openai_is_called() {
    String key = newKey(new JsonObject().put("models", new JsonArray().add("claude")));
    HttpResponse<Buffer> answer = moderation("/v1/moderations", key, new JsonObject().put("input", "hello"));
    assertEquals(403, answer.statusCode(), answer.bodyAsString());
    assertEquals("", OpenAiSpec.problems("ErrorResponse", answer.bodyAsString()), "OpenAI's schema");
    assertEquals("model_not_allowed", answer.bodyAsJsonObject().getJsonObject("error").getString("code"));
    assertTrue(bodies.isEmpty(), "OpenAI was not called");
  }

  @Test
  void the_keys_rate_limit_holds_for_moderations() {
    String key = newKey(new JsonObject().put("rpm_limit", 1));
    assertEquals(200, moderation("/moderations", key, new JsonObject().put("input", "a")).statusCode());
    HttpResponse<Buffer> second = moderation("/moderations", key, new JsonObject().put("input", "b"));
    assertEquals(429, second.statusCode(), second.bodyAsString());
    assertEquals("rate_limit_error", second.bodyAsJsonObject().getJsonObject("error").getString("type"));
    assertEquals(1, bodies.size());
  }

  @Test
  void openais_error_comes_back_in_its_shape_with_its_status() {
    HttpResponse<Buffer> answer = moderation("/v1/moderations", MASTER, new JsonObject().put("input", REFUSED));
    assertEquals(400, answer.statusCode(), answer.bodyAsString());
    JsonObject error = answer.bodyAsJsonObject().getJsonObject("error");
    assertEquals("invalid_request_error", error.getString("type"));
    assertTrue(error.getString("message").contains("Invalid value for 'input'"), error.encode());
    assertFalse(answer.bodyAsString().contains(UPSTREAM_KEY));
  }

  @Test
  void a_provider_without_moderations_answers_400_naming_itself_and_the_operation() {
    HttpResponse<Buffer> answer = moderation("/v1/moderations", MASTER, new JsonObject().put("model", "claude")
        .put("input", "hello"));
    assertEquals(400, answer.statusCode(), answer.bodyAsString());
    String message = answer.bodyAsJsonObject().getJsonObject("error").getString("message");
    assertTrue(message.contains("anthropic") && message.contains("/moderations"), message);
    assertTrue(gw.mock().received().isEmpty(), "Anthropic was not called");
  }

  @Test
  void a_moderation_without_input_is_refused_naming_it() {
    HttpResponse<Buffer> answer = moderation("/v1/moderations", MASTER, new JsonObject().put("model", "omni-moderation-latest"));
    assertEquals(400, answer.statusCode());
    assertEquals("input", answer.bodyAsJsonObject().getJsonObject("error").getString("param"));
    assertTrue(bodies.isEmpty());
  }
}
