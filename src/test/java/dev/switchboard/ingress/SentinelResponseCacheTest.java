package dev.switchboard.ingress;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.switchboard.Gateway;
import dev.switchboard.testing.Awaits;
import dev.switchboard.testing.Gateways;
import dev.switchboard.testing.MockProvider;
import dev.switchboard.testing.Requests;
import dev.switchboard.testing.TestRedis;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.embedded.RedisSentinel;

/** A {@code redis} cache found through a real (embedded) Sentinel: {@code sentinel_nodes} and {@code service_name}. */
class SentinelResponseCacheTest {

  private static final String MASTER = "sk-sentinel-cache";

  private final Vertx vertx = Vertx.vertx();
  private TestRedis redis;
  private RedisSentinel sentinel;
  private final int sentinelPort = Gateways.freePort();
  private MockProvider mock;
  private WebClient client;

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get();
  }

  @BeforeEach
  void start() throws Exception {
    redis = TestRedis.start();
    sentinel = RedisSentinel.newRedisSentinel().bind("127.0.0.1").port(sentinelPort).masterPort(redis.port())
        .masterName("cachemaster").quorumSize(1).build();
    sentinel.start();
    client = WebClient.create(vertx);
    mock = await(new MockProvider(vertx).start());
  }

  @AfterEach
  void stop() throws Exception {
    client.close();
    await(mock.stop());
    sentinel.stop();
    redis.close();
    await(vertx.close());
  }

  @Test
  void the_cache_finds_its_master_through_the_sentinel_and_a_repeat_is_a_hit() throws Exception {
    Gateway gateway = await(Gateways.start("""
        model_list:
          - {model_name: chat, litellm_params: {model: openai/chat, api_base: "%1$s", api_key: sk-up}}
        general_settings: {master_key: %2$s, database_url: none}
        litellm_settings:
          cache: true
          cache_params: {type: redis, sentinel_nodes: [["127.0.0.1", %3$d]], service_name: cachemaster}
        """.formatted(mock.apiBase(), MASTER, sentinelPort)));
    try {
      HttpResponse<Buffer> first = await(client.post(gateway.port(), "127.0.0.1", "/v1/chat/completions")
          .putHeader("Authorization", "Bearer " + MASTER).sendJsonObject(Requests.chat("chat").user("via sentinel").build()));
      assertEquals(200, first.statusCode(), first.bodyAsString());
      String key = first.getHeader("x-litellm-cache-key");
      AtomicBoolean stored = new AtomicBoolean();
      await(Awaits.until(vertx, () -> {
        gateway.cache().lookup(key, null).onSuccess(entry -> stored.compareAndSet(false, entry != null));
        return stored.get();
      }, 10_000));
      HttpResponse<Buffer> again = await(client.post(gateway.port(), "127.0.0.1", "/v1/chat/completions")
          .putHeader("Authorization", "Bearer " + MASTER).sendJsonObject(Requests.chat("chat").user("via sentinel").build()));
      assertEquals(200, again.statusCode());
      assertEquals(1, mock.received().size(), "answered from the master the sentinel named");
      assertEquals(0, gateway.cache().storeErrors());
    } finally {
      await(gateway.close());
    }
  }
}
