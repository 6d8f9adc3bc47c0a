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
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code type: redis} on a real (embedded) Redis, in {@code mode: default_off}: two gateways share
 * the answers, and a Redis that dies is bypassed with one warning, never a failed request.
 */
class RedisResponseCacheTest {

  private static final String MASTER = "sk-redis-cache";

  private final Vertx vertx = Vertx.vertx();
  private TestRedis redis;
  private MockProvider mock;
  private final List<Gateway> gateways = new ArrayList<>();
  private WebClient client;
  private final List<String> warnings = new ArrayList<>();
  private final Handler logs = new Handler() {
    @Override
    public void publish(LogRecord record) {
      if (record.getLevel() == Level.WARNING && record.getMessage().contains("response cache")) {
        synchronized (warnings) {
          warnings.add(record.getMessage());
        }
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
    mock = await(new MockProvider(vertx).start());
    Logger.getLogger("dev.switchboard.cache.ResponseCache").addHandler(logs);
  }

  @AfterEach
  void stop() throws Exception {
    Logger.getLogger("dev.switchboard.cache.ResponseCache").removeHandler(logs);
    client.close();
    List<Future<Void>> closing = new ArrayList<>();
    gateways.forEach(g -> closing.add(g.close()));
    closing.add(mock.stop());
    await(Future.join(closing));
    redis.close();
    await(vertx.close());
  }

  private Gateway gateway() throws Exception {
    Gateway gateway = await(Gateways.start("""
        model_list:
          - {model_name: chat, litellm_params: {model: openai/chat, api_base: "%1$s", api_key: sk-up}}
        router_settings: {redis_host: 127.0.0.1, redis_port: %2$d}
        general_settings: {master_key: %3$s, database_url: none}
        litellm_settings:
          cache: true
          cache_params: {type: redis, mode: default_off, namespace: sb}
        """.formatted(mock.apiBase(), redis.port(), MASTER)));
    gateways.add(gateway);
    return gateway;
  }

  private HttpResponse<Buffer> ask(Gateway gateway, JsonObject body) throws Exception {
    return await(client.post(gateway.port(), "127.0.0.1", "/v1/chat/completions")
        .putHeader("Authorization", "Bearer " + MASTER).sendJsonObject(body));
  }

  private static JsonObject optIn(String text) {
    return Requests.chat("chat").user(text).build().put("cache", new JsonObject().put("use-cache", true));
  }

  @Test
  void default_off_caches_only_opted_in_requests_and_two_gateways_share_the_answers() throws Exception {
    Gateway one = gateway();
    Gateway two = gateway();
    ask(one, Requests.chat("chat").user("plain").build());
    ask(one, Requests.chat("chat").user("plain").build());
    assertEquals(2, mock.received().size(), "default_off: a request that does not opt in is not cached");
    HttpResponse<Buffer> stored = ask(one, optIn("shared"));
    assertTrue(stored.getHeader("x-litellm-cache-key").startsWith("sb:"));
    // The write is not awaited by the answer: wait until Redis has it.
    String key = stored.getHeader("x-litellm-cache-key");
    AtomicBoolean inRedis = new AtomicBoolean();
    await(Awaits.until(vertx, () -> {
      one.cache().lookup(key, null).onSuccess(entry -> inRedis.compareAndSet(false, entry != null));
      return inRedis.get();
    }, 5_000));
    HttpResponse<Buffer> hit = ask(two, optIn("shared"));
    assertEquals(200, hit.statusCode());
    assertEquals(3, mock.received().size(), "the second gateway did not call the provider");
    assertEquals(key, hit.getHeader("x-litellm-cache-key"));
    assertEquals(stored.bodyAsJsonObject(), hit.bodyAsJsonObject());
    assertTrue(two.cache().hits() >= 1, "the second gateway answered from the first one's entry");
  }

  @Test
  void a_dead_redis_is_bypassed_with_one_warning_and_requests_still_succeed() throws Exception {
    Gateway gateway = gateway();
    assertEquals(200, ask(gateway, optIn("before")).statusCode());
    redis.down();
    for (int i = 0; i < 3; i++) {
      HttpResponse<Buffer> answer = ask(gateway, optIn("during"));
      assertEquals(200, answer.statusCode(), answer.bodyAsString());
    }
    assertEquals(4, mock.received().size(), "each request went to the provider");
    assertTrue(gateway.cache().storeErrors() >= 3, "counted: " + gateway.cache().storeErrors());
    synchronized (warnings) {
      assertEquals(1, warnings.size(), "said once per outage: " + warnings);
    }
    String metrics = await(client.get(gateway.port(), "127.0.0.1", "/metrics").send()).bodyAsString();
    assertTrue(metrics.contains("switchboard_cache_store_errors_total"), metrics);
  }
}
