package dev.switchboard.ingress;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.switchboard.Gateway;
import dev.switchboard.testing.Awaits;
import dev.switchboard.testing.Gateways;
import dev.switchboard.testing.MockProvider;
import dev.switchboard.testing.Requests;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.embedded.RedisShardedCluster;

/** A {@code redis} cache on a real (embedded) three-master Redis Cluster: {@code redis_startup_nodes}, and a flush over every master. */
class ClusterResponseCacheTest {

  private static final String MASTER = "sk-cluster-cache";

  private final Vertx vertx = Vertx.vertx();
  private RedisShardedCluster cluster;
  private MockProvider mock;
  private WebClient client;

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get();
  }

  @BeforeEach
  void start() throws Exception {
    cluster = RedisShardedCluster.newRedisCluster().shard("a", 0).shard("b", 0).shard("c", 0)
        .initializationTimeout(Duration.ofSeconds(20)).build();
    cluster.start();
    client = WebClient.create(vertx);
    mock = await(new MockProvider(vertx).start());
  }

  @AfterEach
  void stop() throws Exception {
    client.close();
    await(mock.stop());
    cluster.stop();
    await(vertx.close());
  }

  private HttpResponse<Buffer> ask(Gateway gateway, String path, JsonObject body) throws Exception {
    return await(client.post(gateway.port(), "127.0.0.1", path).putHeader("Authorization", "Bearer " + MASTER)
        .sendJsonObject(body));
  }

  @Test
  void answers_land_on_the_cluster_and_flushall_clears_every_master() throws Exception {
    Gateway gateway = await(Gateways.start("""
        model_list:
          - {model_name: chat, litellm_params: {model: openai/chat, api_base: "%1$s", api_key: sk-up}}
        general_settings: {master_key: %2$s, database_url: none}
        litellm_settings:
          cache: true
          cache_params: {type: redis, redis_startup_nodes: [{host: 127.0.0.1, port: %3$d}, {host: 127.0.0.1, port: %4$d}]}
        """.formatted(mock.apiBase(), MASTER, cluster.serverPorts().get(0), cluster.serverPorts().get(1))));
    try {
      for (int i = 0; i < 6; i++) { // six keys: spread over the slots of several masters
        String key = ask(gateway, "/v1/chat/completions", Requests.chat("chat").user("q" + i).build())
            .getHeader("x-litellm-cache-key");
        AtomicBoolean stored = new AtomicBoolean();
        await(Awaits.until(vertx, () -> {
          gateway.cache().lookup(key, null).onSuccess(entry -> stored.compareAndSet(false, entry != null));
          return stored.get();
        }, 10_000));
      }
      for (int i = 0; i < 6; i++) {
        assertEquals(200, ask(gateway, "/v1/chat/completions", Requests.chat("chat").user("q" + i).build()).statusCode());
      }
      assertEquals(6, mock.received().size(), "every repeat was a hit");
      HttpResponse<Buffer> flushed = ask(gateway, "/cache/flushall", new JsonObject());
      assertEquals(200, flushed.statusCode(), flushed.bodyAsString());
      for (int i = 0; i < 6; i++) {
        ask(gateway, "/v1/chat/completions", Requests.chat("chat").user("q" + i).build().put("cache",
            new JsonObject().put("no-store", true)));
      }
      assertEquals(12, mock.received().size(), "flushall emptied every master");
      assertEquals(0, gateway.cache().storeErrors());
    } finally {
      await(gateway.close());
    }
  }
}
