package dev.switchboard.ingress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.Gateway;
import dev.switchboard.testing.Awaits;
import dev.switchboard.testing.Gateways;
import dev.switchboard.testing.MockProvider;
import dev.switchboard.testing.MockQdrant;
import dev.switchboard.testing.Requests;
import dev.switchboard.testing.TestDatabase;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code type: qdrant-semantic} end to end: the prompt's embedding comes from the {@code embed}
 * model group through the gateway's routing (its deployment's api_base and key), answers live in a
 * mock Qdrant speaking the REST API strictly; a similar prompt above the threshold is a hit, one
 * below is a miss, teams never share, and a dead Qdrant is bypassed.
 */
class QdrantSemanticCacheTest {

  private static final String MASTER = "sk-semantic-master";
  private static final String QDRANT_KEY = "qdrant-secret";
  /** The texts embedded (system + user content) and the vectors the mock embedding deployment answers. */
  private static final Map<String, float[]> VECTORS = Map.of(
      "Be brief.What is the capital of France?", new float[] {1f, 0f, 0f},
      "Be brief.Tell me France's capital city", new float[] {0.96f, 0.28f, 0f},   // cosine 0.96
      "Be brief.Write a poem about the sea", new float[] {0.5f, 0.866f, 0f});     // cosine 0.5

  private final Vertx vertx = Vertx.vertx();
  private final String database = TestDatabase.newDatabaseUrl();
  private MockProvider chat;
  private MockQdrant qdrant;
  private HttpServer embeddings;
  private final List<JsonObject> embedded = new CopyOnWriteArrayList<>();
  private Gateway gateway;
  private WebClient client;
  private final List<String> warnings = new CopyOnWriteArrayList<>();
  private final Handler logs = new Handler() {
    @Override
    public void publish(LogRecord record) {
      if (record.getLevel() == Level.WARNING && record.getMessage().contains("response cache")) {
        warnings.add(record.getMessage());
      }
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
    }
  };

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get();
  }

  @BeforeEach
  void start() throws Exception {
    client = WebClient.create(vertx);
    chat = await(new MockProvider(vertx).start());
    qdrant = await(new MockQdrant(vertx, QDRANT_KEY).start());
    embeddings = await(vertx.createHttpServer().requestHandler(request -> request.body().onSuccess(bytes -> {
      JsonObject body = new JsonObject(bytes).put("authorization", request.getHeader("authorization"));
      embedded.add(body);
      float[] vector = VECTORS.get(body.getString("input"));
      if (vector == null) {
        request.response().setStatusCode(400).end("{\"error\":{\"message\":\"unexpected input\"}}");
        return;
      }
      JsonArray values = new JsonArray();
      for (float v : vector) {
        values.add(v);
      }
      request.response().putHeader("content-type", "application/json").end(new JsonObject().put("object", "list")
          .put("data", new JsonArray().add(new JsonObject().put("object", "embedding").put("index", 0)
              .put("embedding", values)))
          .put("model", body.getString("model"))
          .put("usage", new JsonObject().put("prompt_tokens", 5).put("total_tokens", 5)).encode());
    })).listen(0, "127.0.0.1"));
    Logger.getLogger("dev.switchboard.cache.ResponseCache").addHandler(logs);
    gateway = await(Gateways.start("""
        model_list:
          - {model_name: chat, litellm_params: {model: openai/gpt-4o-mini, api_base: "%1$s", api_key: sk-up}}
          - {model_name: embed, litellm_params: {model: openai/text-embedding-3-small, api_base: "http://127.0.0.1:%2$d/v1", api_key: sk-embed}}
        general_settings: {master_key: %3$s, database_url: "%4$s"}
        litellm_settings:
          cache: true
          cache_params:
            type: qdrant-semantic
            similarity_threshold: 0.9
            qdrant_semantic_cache_embedding_model: embed
            qdrant_api_base: "%5$s"
            qdrant_api_key: %6$s
            qdrant_collection_name: answers
        """.formatted(chat.apiBase(), embeddings.actualPort(), MASTER, database, qdrant.apiBase(), QDRANT_KEY)));
  }

  @AfterEach
  void stop() throws Exception {
    Logger.getLogger("dev.switchboard.cache.ResponseCache").removeHandler(logs);
    client.close();
    List<Future<?>> closing = new ArrayList<>();
    if (gateway != null) {
      closing.add(gateway.close());
    }
    closing.add(chat.stop());
    closing.add(qdrant.stop());
    closing.add(embeddings.close());
    await(Future.join(new ArrayList<>(closing.stream().map(f -> (Future<?>) f).toList())));
    await(vertx.close());
  }

  private HttpResponse<Buffer> ask(String key, String text) throws Exception {
    return await(client.post(gateway.port(), "127.0.0.1", "/v1/chat/completions")
        .putHeader("Authorization", "Bearer " + key)
        .sendJsonObject(Requests.chat("chat").system("Be brief.").user(text).build()));
  }

  private String newKey(String team) throws Exception {
    HttpResponse<Buffer> made = await(client.post(gateway.port(), "127.0.0.1", "/team/new")
        .putHeader("Authorization", "Bearer " + MASTER).sendJsonObject(new JsonObject().put("team_id", team)));
    assertTrue(made.statusCode() == 200 || made.statusCode() == 400, made.bodyAsString());
    HttpResponse<Buffer> key = await(client.post(gateway.port(), "127.0.0.1", "/key/generate")
        .putHeader("Authorization", "Bearer " + MASTER).sendJsonObject(new JsonObject().put("team_id", team)));
    assertEquals(200, key.statusCode(), key.bodyAsString());
    return key.bodyAsJsonObject().getString("key");
  }

  private void untilStored(int points) throws Exception {
    await(Awaits.until(vertx, () -> qdrant.collection("answers") != null
        && qdrant.collection("answers").getInteger("points") >= points, 5_000));
  }

  @Test
  void a_similar_prompt_above_the_threshold_is_answered_from_qdrant_and_one_below_is_not() throws Exception {
    HttpResponse<Buffer> first = ask(MASTER, "What is the capital of France?");
    assertEquals(200, first.statusCode(), first.bodyAsString());
    untilStored(1);
    // The embedding went through the embed group's deployment, with LiteLLM's text: the messages' contents joined.
    JsonObject call = embedded.get(0);
    assertEquals("text-embedding-3-small", call.getString("model"));
    assertEquals("Bearer sk-embed", call.getString("authorization"));
    assertEquals("Be brief.What is the capital of France?", call.getString("input"));
    assertEquals(new JsonObject().put("size", 3).put("distance", "Cosine").put("points", 1), qdrant.collection("answers"));
    assertTrue(qdrant.received.stream().allMatch(r -> QDRANT_KEY.equals(r.getString("api-key"))), "api-key header on every call");

    HttpResponse<Buffer> similar = ask(MASTER, "Tell me France's capital city");
    assertEquals(200, similar.statusCode());
    assertEquals(1, chat.received().size(), "cosine 0.96 >= 0.9: answered from the cache");
    assertEquals(first.bodyAsJsonObject(), similar.bodyAsJsonObject());
    assertEquals(0.0, Double.parseDouble(similar.getHeader("x-litellm-response-cost")));
    assertNotNull(similar.getHeader("x-litellm-semantic-similarity"));
    JsonObject search = qdrant.received.stream().filter(r -> r.getString("path").endsWith("/points/search"))
        .reduce((a, b) -> b).orElseThrow().getJsonObject("body");
    assertEquals(0.9, search.getDouble("score_threshold"));
    assertEquals(1, search.getInteger("limit"));

    HttpResponse<Buffer> other = ask(MASTER, "Write a poem about the sea");
    assertEquals(200, other.statusCode());
    assertEquals(2, chat.received().size(), "cosine 0.5 < 0.9: a miss, asked of the provider");
    assertNull(other.getHeader("x-litellm-semantic-similarity"));
    assertEquals(1, gateway.cache().hits());
  }

  @Test
  void one_team_never_hits_another_teams_entries() throws Exception {
    String a1 = newKey("team-a");
    String a2 = newKey("team-a");
    String b1 = newKey("team-b");
    assertEquals(200, ask(a1, "What is the capital of France?").statusCode());
    untilStored(1);
    assertEquals(200, ask(b1, "What is the capital of France?").statusCode());
    assertEquals(2, chat.received().size(), "team-b does not read team-a's answer, even for the same prompt");
    untilStored(2);
    assertEquals(200, ask(a2, "Tell me France's capital city").statusCode());
    assertEquals(2, chat.received().size(), "another key of team-a does");
  }

  @Test
  void a_dead_qdrant_is_bypassed_with_one_warning_and_the_store_error_metric() throws Exception {
    await(qdrant.stop());
    for (int i = 0; i < 3; i++) {
      HttpResponse<Buffer> answer = ask(MASTER, "What is the capital of France?");
      assertEquals(200, answer.statusCode(), answer.bodyAsString());
    }
    assertEquals(3, chat.received().size());
    assertTrue(gateway.cache().storeErrors() >= 3, "counted: " + gateway.cache().storeErrors());
    assertEquals(1, warnings.size(), "said once per outage: " + warnings);
    assertTrue(warnings.get(0).contains("qdrant-semantic"), warnings.get(0));
    assertTrue(!warnings.get(0).contains(QDRANT_KEY), "the api key is never logged");
  }
}
