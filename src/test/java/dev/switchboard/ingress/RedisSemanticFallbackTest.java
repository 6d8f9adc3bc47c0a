package dev.switchboard.ingress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.Gateway;
import dev.switchboard.testing.Awaits;
import dev.switchboard.testing.Gateways;
import dev.switchboard.testing.MockProvider;
import dev.switchboard.testing.Requests;
import dev.switchboard.testing.TestRedis;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
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
 * {@code type: redis-semantic} on a Redis without RediSearch (the embedded one): detected at start
 * with one warning and {@code switchboard_cache_semantic_fallback 1}, then answers are matched in
 * memory on this node: a similar prompt hits, a different one misses.
 */
class RedisSemanticFallbackTest {

  private static final String MASTER = "sk-redis-semantic";
  private static final Map<String, float[]> VECTORS = Map.of(
      "What is the capital of France?", new float[] {1f, 0f},
      "Tell me France's capital city", new float[] {0.96f, 0.28f},
      "Write a poem about the sea", new float[] {0.5f, 0.866f});

  private final Vertx vertx = Vertx.vertx();
  private TestRedis redis;
  private MockProvider chat;
  private HttpServer embeddings;
  private Gateway gateway;
  private WebClient client;
  private final List<String> warnings = new CopyOnWriteArrayList<>();
  private final Handler logs = new Handler() {
    @Override
    public void publish(LogRecord record) {
      if (record.getLevel() == Level.WARNING) {
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
    redis = TestRedis.start();
    client = WebClient.create(vertx);
    chat = await(new MockProvider(vertx).start());
    embeddings = await(vertx.createHttpServer().requestHandler(request -> request.body().onSuccess(bytes -> {
      float[] vector = VECTORS.get(new JsonObject(bytes).getString("input"));
      if (vector == null) {
        request.response().setStatusCode(400).end("{\"error\":{\"message\":\"unexpected input\"}}");
        return;
      }
      request.response().putHeader("content-type", "application/json").end(new JsonObject()
          .put("data", new JsonArray().add(new JsonObject().put("index", 0)
              .put("embedding", new JsonArray().add(vector[0]).add(vector[1]))))
          .put("usage", new JsonObject().put("prompt_tokens", 5).put("total_tokens", 5)).encode());
    })).listen(0, "127.0.0.1"));
    Logger.getLogger("dev.switchboard.cache.semantic.SemanticCache").addHandler(logs);
    gateway = await(Gateways.start("""
        model_list:
          - {model_name: chat, litellm_params: {model: openai/gpt-4o-mini, api_base: "%1$s", api_key: sk-up}}
          - {model_name: embed, litellm_params: {model: openai/text-embedding-3-small, api_base: "http://127.0.0.1:%2$d/v1", api_key: sk-embed}}
        general_settings: {master_key: %3$s, database_url: none}
        litellm_settings:
          cache: true
          cache_params:
            type: redis-semantic
            host: 127.0.0.1
            port: %4$d
            similarity_threshold: 0.9
            redis_semantic_cache_embedding_model: embed
        """.formatted(chat.apiBase(), embeddings.actualPort(), MASTER, redis.port())));
  }

  @AfterEach
  void stop() throws Exception {
    Logger.getLogger("dev.switchboard.cache.semantic.SemanticCache").removeHandler(logs);
    client.close();
    await(Future.join(gateway.close(), chat.stop(), embeddings.close()));
    redis.close();
    await(vertx.close());
  }

  private HttpResponse<Buffer> ask(String text) throws Exception {
    return await(client.post(gateway.port(), "127.0.0.1", "/v1/chat/completions")
        .putHeader("Authorization", "Bearer " + MASTER).sendJsonObject(Requests.chat("chat").user(text).build()));
  }

  @Test
  void without_redisearch_it_warns_once_shows_the_fallback_metric_and_matches_in_memory() throws Exception {
    await(Awaits.until(vertx, () -> gateway.cache().semantic().fallback(), 5_000));
    assertEquals(1, warnings.size(), warnings.toString());
    assertTrue(warnings.get(0).contains("RediSearch"), warnings.get(0));
    String metrics = await(client.get(gateway.port(), "127.0.0.1", "/metrics").send()).bodyAsString();
    assertTrue(metrics.contains("switchboard_cache_semantic_fallback 1.0"), metrics);

    HttpResponse<Buffer> first = ask("What is the capital of France?");
    assertEquals(200, first.statusCode(), first.bodyAsString());
    HttpResponse<Buffer> similar = ask("Tell me France's capital city");
    assertEquals(1, chat.received().size(), "a similar prompt is answered from the in-memory semantic store");
    assertEquals(first.bodyAsJsonObject(), similar.bodyAsJsonObject());
    assertEquals(200, ask("Write a poem about the sea").statusCode());
    assertEquals(2, chat.received().size(), "a different prompt is not");
    assertEquals(0, gateway.cache().storeErrors());
  }
}
