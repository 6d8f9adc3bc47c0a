package dev.switchboard.ingress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.testing.Awaits;
import dev.switchboard.testing.CohereMock;
import dev.switchboard.testing.GatewayExtension;
import dev.switchboard.testing.MockProvider;
import dev.switchboard.testing.TestDatabase;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
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
 * {@code POST /v1/rerank} (and {@code /rerank}, {@code /v2/rerank}) in Cohere's shape, through the
 * same pipeline as chat: Cohere's v2 API and vLLM's rerank behind it, keys, model access, rate
 * limits, spend rows priced per search, provider errors in OpenAI's shape, and a 400 for a provider
 * that cannot rerank.
 */
@ExtendWith(VertxExtension.class)
class RerankEndpointTest {

  private static final String MASTER = "sk-rerank-master";
  private static final String VLLM_KEY = "vllm-test-key";
  private static final JsonArray DOCUMENTS = new JsonArray().add("short").add(new JsonObject().put("text", "the longest one"))
      .add("medium one");

  @RegisterExtension
  final GatewayExtension gw = GatewayExtension.manual();

  private CohereMock cohere;
  private HttpServer vllm;
  private final List<JsonObject> vllmBodies = new CopyOnWriteArrayList<>();
  private final List<MultiMap> vllmHeaders = new CopyOnWriteArrayList<>();
  private final List<String> vllmPaths = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start(Vertx vertx) {
    String url = TestDatabase.newDatabaseUrl();
    cohere = await(new CohereMock(vertx).start(), 30);
    vllm = await(vertx.createHttpServer().requestHandler(this::vllmAnswer).listen(0, "127.0.0.1"), 30);
    await(gw.start(new MockProvider(vertx), m -> """
        model_list:
          - model_name: rerank
            litellm_params: {model: cohere/rerank-v3.5, api_base: "http://127.0.0.1:%1$d", api_key: %2$s}
            model_info: {mode: rerank}
          - model_name: rerank-missing
            litellm_params: {model: cohere/%3$s, api_base: "http://127.0.0.1:%1$d", api_key: %2$s}
          - model_name: vllm-rerank
            litellm_params: {model: hosted_vllm/BAAI/bge-reranker-v2-m3, api_base: "http://127.0.0.1:%4$d/v1", api_key: %5$s}
            model_info: {input_cost_per_query: 0.01, mode: rerank}
          - model_name: jina-rerank
            litellm_params: {model: jina_ai/jina-reranker-v2-base-multilingual, api_base: "http://127.0.0.1:%4$d/ignored/path", api_key: %5$s}
            model_info: {input_cost_per_token: 0.001}
          - model_name: gpt
            litellm_params: {model: openai/gpt-x, api_base: "%6$s", api_key: sk-up}
        router_settings: {num_retries: 0}
        general_settings: {master_key: %7$s, database_url: "%8$s", proxy_batch_write_at: 0.05}
        """.formatted(cohere.port(), CohereMock.KEY, CohereMock.NOT_FOUND, vllm.actualPort(), VLLM_KEY, m.apiBase(),
        MASTER, url)), 60);
  }

  @AfterEach
  void stop() {
    await(Future.join(cohere.stop(), vllm.close()), 30);
  }

  /** vLLM's /rerank as its OpenAPI spec has it: only its fields, its bearer key, documents given back. */
  private void vllmAnswer(io.vertx.core.http.HttpServerRequest request) {
    request.body().onSuccess(raw -> {
      vllmPaths.add(request.path());
      vllmHeaders.add(MultiMap.caseInsensitiveMultiMap().addAll(request.headers()));
      JsonObject body = raw.toJsonObject();
      vllmBodies.add(body);
      boolean jina = String.valueOf(body.getValue("model")).startsWith("jina-");
      Set<String> known = jina ? Set.of("model", "query", "documents", "top_n", "return_documents")
          : Set.of("model", "query", "documents", "top_n", "return_documents", "rank_fields",
          "max_tokens_per_doc", "instruction", "truncate_prompt_tokens", "truncation_side", "max_tokens_per_query");
      boolean unknown = body.fieldNames().stream().anyMatch(field -> !known.contains(field));
      if (!"/v1/rerank".equals(request.path()) || !("Bearer " + VLLM_KEY).equals(request.getHeader("Authorization")) || unknown) {
        request.response().setStatusCode(400).end(new JsonObject().put("object", "error")
            .put("message", "bad rerank request").put("type", "BadRequestError").put("code", 400).encode());
        return;
      }
      // Jina gives a document back as a string, vLLM as {text}.
      JsonArray results = new JsonArray().add(new JsonObject().put("index", 1).put("relevance_score", 0.9)
          .put("document", jina ? "the longest one" : new JsonObject().put("text", "the longest one")));
      request.response().putHeader("content-type", "application/json").end(new JsonObject().put("id", "rerank-vllm-1")
          .put("model", body.getString("model")).put("usage", new JsonObject().put("total_tokens", 42))
          .put("results", results).encode());
    });
  }

  private static <T> T await(Future<T> future, int seconds) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(seconds, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private HttpResponse<Buffer> rerank(String path, String key, JsonObject body) {
    return await(gw.post(path).putHeader("Authorization", "Bearer " + key).sendJsonObject(body), 30);
  }

  private static JsonObject request(String model) {
    return new JsonObject().put("model", model).put("query", "which is longest?").put("documents", DOCUMENTS.copy())
        .put("top_n", 2);
  }

  private String newKey(JsonObject fields) {
    return await(gw.post("/key/generate").putHeader("Authorization", "Bearer " + MASTER).sendJsonObject(fields), 30)
        .bodyAsJsonObject().getString("key");
  }

  @Test
  void every_litellm_rerank_path_reaches_cohere_v2_with_its_key_and_answers_in_cohere_shape() {
    for (String path : List.of("/v1/rerank", "/rerank", "/v2/rerank")) {
      HttpResponse<Buffer> answer = rerank(path, MASTER, request("rerank").put("return_documents", true));
      assertEquals(200, answer.statusCode(), path + ": " + answer.bodyAsString());
      JsonObject body = answer.bodyAsJsonObject();
      assertEquals("rr-1", body.getString("id"));
      JsonArray results = body.getJsonArray("results");
      assertEquals(2, results.size(), body.encode());
      assertEquals(1, results.getJsonObject(0).getInteger("index"));
      assertEquals(1.0, results.getJsonObject(0).getDouble("relevance_score"));
      assertEquals("the longest one", results.getJsonObject(0).getJsonObject("document").getString("text"));
      assertEquals("medium one", results.getJsonObject(1).getJsonObject("document").getString("text"));
      assertEquals(1, body.getJsonObject("meta").getJsonObject("billed_units").getInteger("search_units"));

      CohereMock.Received sent = cohere.last();
      assertEquals("/v2/rerank", sent.uri());
      assertEquals("Bearer " + CohereMock.KEY, sent.headers().get("Authorization"));
      assertEquals(new JsonObject().put("model", "rerank-v3.5").put("query", "which is longest?")
          .put("documents", new JsonArray().add("short").add("the longest one").add("medium one")).put("top_n", 2), sent.body());
    }
  }

  @Test
  void health_probes_a_rerank_model_with_a_rerank_as_litellm_does_for_mode_rerank() {
    HttpResponse<Buffer> health = await(gw.get("/health").putHeader("Authorization", "Bearer " + MASTER).send(), 30);
    assertEquals(200, health.statusCode(), health.bodyAsString());
    List<String> healthy = health.bodyAsJsonObject().getJsonArray("healthy_endpoints").stream()
        .map(endpoint -> ((JsonObject) endpoint).getString("model_name")).toList();
    assertTrue(healthy.containsAll(List.of("rerank", "vllm-rerank")), health.bodyAsString());
    assertTrue(cohere.received().stream().anyMatch(sent -> sent.uri().equals("/v2/rerank")
        && "health check".equals(sent.body().getString("query"))), "Cohere got a rerank, not a chat");
  }

  @Test
  void mock_response_mocks_an_error_but_refuses_a_text_answer_on_rerank() {
    HttpResponse<Buffer> mockedError = rerank("/v1/rerank", MASTER, request("rerank")
        .put("mock_response", "litellm.RateLimitError"));
    assertEquals(429, mockedError.statusCode(), mockedError.bodyAsString());
    HttpResponse<Buffer> text = rerank("/v1/rerank", MASTER, request("rerank").put("mock_response", "hello"));
    assertEquals(400, text.statusCode(), text.bodyAsString());
    assertEquals("mock_response", text.bodyAsJsonObject().getJsonObject("error").getString("param"));
    assertTrue(cohere.received().isEmpty(), "Cohere was not called");
  }

  @Test
  void jina_ai_gets_its_four_fields_at_v1_rerank_on_the_api_base_host_and_is_priced_per_token() {
    HttpResponse<Buffer> answer = rerank("/v1/rerank", MASTER, request("jina-rerank").put("return_documents", true)
        .put("rank_fields", new JsonArray().add("text")));
    assertEquals(200, answer.statusCode(), answer.bodyAsString());
    assertEquals("/v1/rerank", vllmPaths.get(0), "LiteLLM keeps only the api_base's host");
    assertEquals("Bearer " + VLLM_KEY, vllmHeaders.get(0).get("Authorization"));
    assertEquals(new JsonObject().put("model", "jina-reranker-v2-base-multilingual").put("query", "which is longest?")
        .put("documents", DOCUMENTS).put("top_n", 2).put("return_documents", true), vllmBodies.get(0));
    JsonObject first = answer.bodyAsJsonObject().getJsonArray("results").getJsonObject(0);
    assertEquals("the longest one", first.getJsonObject("document").getString("text"));
    // 42 tokens at 0.001 each.
    assertEquals(0.042, Double.parseDouble(answer.getHeader("x-litellm-response-cost")), 1e-12);
  }

  @Test
  void documents_are_left_out_unless_asked_for() {
    HttpResponse<Buffer> answer = rerank("/v1/rerank", MASTER, request("rerank"));
    assertEquals(200, answer.statusCode(), answer.bodyAsString());
    assertNull(answer.bodyAsJsonObject().getJsonArray("results").getJsonObject(0).getValue("document"));
  }

  @Test
  void a_keys_rerank_is_charged_per_search_in_a_spend_row_with_litellms_call_type(Vertx vertx) {
    String key = newKey(new JsonObject().put("key_alias", "search"));
    HttpResponse<Buffer> answer = rerank("/v1/rerank", key, request("rerank"));
    assertEquals(200, answer.statusCode(), answer.bodyAsString());
    // rerank-v3.5 is priced at 0.002 USD per search in the shipped table; Cohere billed one search unit.
    assertEquals(0.002, Double.parseDouble(answer.getHeader("x-litellm-response-cost")), 1e-12);
    await(Awaits.until(vertx, () -> gw.gateway().accounting().writer().writtenRows() >= 1, 10_000), 15);
    JsonArray rows = await(gw.get("/spend/logs").putHeader("Authorization", "Bearer " + MASTER)
        .addQueryParam("api_key", key).send(), 30).bodyAsJsonArray();
    assertEquals(1, rows.size(), rows.encode());
    JsonObject row = rows.getJsonObject(0);
    assertEquals("arerank", row.getString("call_type"));
    assertEquals("rerank", row.getString("model_group"));
    assertEquals(0.002, row.getDouble("spend"), 1e-12);
    assertTrue(row.getLong("prompt_tokens") > 0, row.encode());
  }

  @Test
  void a_key_without_the_model_is_refused_before_cohere_is_called() {
    String key = newKey(new JsonObject().put("models", new JsonArray().add("gpt")));
    HttpResponse<Buffer> answer = rerank("/v1/rerank", key, request("rerank"));
    assertEquals(403, answer.statusCode(), answer.bodyAsString());
    assertEquals("model_not_allowed", answer.bodyAsJsonObject().getJsonObject("error").getString("code"));
    assertTrue(cohere.received().isEmpty(), "Cohere was not called");
  }

  @Test
  void the_keys_rate_limit_holds_for_rerank() {
    String key = newKey(new JsonObject().put("rpm_limit", 1));
    assertEquals(200, rerank("/v1/rerank", key, request("rerank")).statusCode());
    HttpResponse<Buffer> second = rerank("/v1/rerank", key, request("rerank"));
    assertEquals(429, second.statusCode(), second.bodyAsString());
    assertEquals("rate_limit_error", second.bodyAsJsonObject().getJsonObject("error").getString("type"));
    assertEquals(1, cohere.received().size());
  }

  @Test
  void coheres_error_comes_back_in_openais_shape() {
    HttpResponse<Buffer> answer = rerank("/v1/rerank", MASTER, request("rerank-missing"));
    assertEquals(404, answer.statusCode(), answer.bodyAsString());
    JsonObject error = answer.bodyAsJsonObject().getJsonObject("error");
    assertEquals("not_found_error", error.getString("type"));
    assertTrue(error.getString("message").contains("not found"), error.encode());
    assertFalse(answer.bodyAsString().contains(CohereMock.KEY), "the provider key is never echoed");
  }

  @Test
  void a_provider_without_rerank_answers_400_naming_itself_and_the_operation() {
    HttpResponse<Buffer> answer = rerank("/v1/rerank", MASTER, request("gpt"));
    assertEquals(400, answer.statusCode(), answer.bodyAsString());
    JsonObject error = answer.bodyAsJsonObject().getJsonObject("error");
    assertEquals("invalid_request_error", error.getString("type"));
    assertTrue(error.getString("message").contains("openai") && error.getString("message").contains("/rerank"),
        error.encode());
    assertTrue(gw.mock().received().isEmpty(), "OpenAI was not called");
  }

  @Test
  void a_rerank_without_query_or_with_bad_documents_is_refused_naming_the_field() {
    HttpResponse<Buffer> noQuery = rerank("/v1/rerank", MASTER, request("rerank").put("query", null));
    assertEquals(400, noQuery.statusCode());
    assertEquals("query", noQuery.bodyAsJsonObject().getJsonObject("error").getString("param"));
    HttpResponse<Buffer> badDocument = rerank("/v1/rerank", MASTER, request("rerank")
        .put("documents", new JsonArray().add("fine").add(7)));
    assertEquals(400, badDocument.statusCode());
    assertEquals("documents[1]", badDocument.bodyAsJsonObject().getJsonObject("error").getString("param"));
    HttpResponse<Buffer> badTopN = rerank("/v1/rerank", MASTER, request("rerank").put("top_n", 0));
    assertEquals(400, badTopN.statusCode());
    assertEquals("top_n", badTopN.bodyAsJsonObject().getJsonObject("error").getString("param"));
    assertTrue(cohere.received().isEmpty());
  }

  @Test
  void hosted_vllm_gets_its_rerank_fields_at_api_base_rerank_and_its_tokens_are_counted(Vertx vertx) {
    String key = newKey(new JsonObject());
    HttpResponse<Buffer> answer = rerank("/rerank", key, request("vllm-rerank").put("return_documents", true)
        .put("metadata", new JsonObject().put("tags", new JsonArray().add("t"))));
    assertEquals(200, answer.statusCode(), answer.bodyAsString());
    assertEquals("/v1/rerank", vllmPaths.get(0), "api_base + /rerank, as LiteLLM builds it");
    assertEquals("Bearer " + VLLM_KEY, vllmHeaders.get(0).get("Authorization"));
    JsonObject sent = vllmBodies.get(0);
    assertEquals("BAAI/bge-reranker-v2-m3", sent.getString("model"));
    assertEquals(true, sent.getBoolean("return_documents"));
    rerank("/rerank", key, request("vllm-rerank"));
    assertEquals(true, vllmBodies.get(1).getBoolean("return_documents"), "LiteLLM's default: documents returned");
    assertNull(sent.getValue("metadata"), "gateway fields stay at the gateway");
    JsonObject body = answer.bodyAsJsonObject();
    assertEquals("rerank-vllm-1", body.getString("id"));
    assertEquals("the longest one", body.getJsonArray("results").getJsonObject(0).getJsonObject("document").getString("text"));
    assertEquals(42, body.getJsonObject("meta").getJsonObject("tokens").getInteger("input_tokens"));
    // model_info.input_cost_per_query prices the one search.
    assertEquals(0.01, Double.parseDouble(answer.getHeader("x-litellm-response-cost")), 1e-12);
    await(Awaits.until(vertx, () -> gw.gateway().accounting().writer().writtenRows() >= 1, 10_000), 15);
    JsonObject row = await(gw.get("/spend/logs").putHeader("Authorization", "Bearer " + MASTER)
        .addQueryParam("api_key", key).send(), 30).bodyAsJsonArray().getJsonObject(0);
    assertEquals(42, row.getLong("prompt_tokens"));
    assertEquals("arerank", row.getString("call_type"));
    assertNotNull(row.getValue("spend"));
  }
}
