package dev.switchboard.ratelimit;

import static dev.switchboard.ratelimit.LimitCalls.MASTER;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.switchboard.Gateway;
import dev.switchboard.testing.Awaits;
import dev.switchboard.testing.MockProvider;
import dev.switchboard.testing.TestDatabase;
import dev.switchboard.testing.TestGateway;
import dev.switchboard.testing.TestRedis;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** With counters in Redis, a request refused after the limiter (over budget) gives back its request and tokens there. */
@ExtendWith(VertxExtension.class)
class RedisRefundTest {

  private TestRedis redis;
  private MockProvider mock;
  private WebClient client;
  private Gateway gateway;

  @BeforeEach
  void awayFromTheMinutesEnd(Vertx vertx, VertxTestContext ctx) {
    Awaits.minuteHasAtLeast(vertx, 20).onComplete(ctx.succeedingThenComplete());
  }

  @BeforeEach
  void start(Vertx vertx, VertxTestContext ctx) {
    redis = TestRedis.start();
    client = WebClient.create(vertx);
    mock = new MockProvider(vertx);
    mock.start().compose(v -> TestGateway.start("""
            model_list:
              - {model_name: chat, litellm_params: {model: openai/chat, api_base: "%s", api_key: sk-up}}
            router_settings: {redis_host: 127.0.0.1, redis_port: %d}
            general_settings: {master_key: %s, database_url: "%s"}
            """.formatted(mock.apiBase(), redis.port(), MASTER, TestDatabase.newDatabaseUrl())))
        .onComplete(ctx.succeeding(started -> {
          gateway = started;
          ctx.completeNow();
        }));
  }

  @AfterEach
  void stop(VertxTestContext ctx) {
    client.close();
    TestGateway.closeAll(gateway == null ? List.of() : List.of(gateway)).eventually(mock::stop)
        .onComplete(done -> {
          redis.close();
          ctx.completeNow();
        });
  }

  @Test
  void a_request_refused_for_its_budget_gives_back_its_rpm_and_tpm_in_redis(Vertx vertx, VertxTestContext ctx) {
    String[] key = new String[1];
    LimitCalls.newKey(client, gateway.port(), new JsonObject().put("rpm_limit", 1).put("tpm_limit", 1).put("max_budget", 0))
        .compose(k -> {
          key[0] = k;
          return LimitCalls.chat(client, gateway.port(), k, "chat", "Hi");
        })
        .compose(overBudget -> {
          ctx.verify(() -> assertEquals(400, overBudget.statusCode(), overBudget.bodyAsString()));
          return LimitCalls.settled(vertx, gateway);
        })
        .compose(v -> LimitCalls.admin(client, gateway.port(), "/key/update",
            new JsonObject().put("key", key[0]).put("max_budget", 100)))
        .compose(updated -> LimitCalls.chat(client, gateway.port(), key[0], "chat", "Hi"))
        .onComplete(ctx.succeeding(allowed -> ctx.verify(() -> {
          assertEquals(200, allowed.statusCode(), "the request after the budget was raised: " + allowed.bodyAsString());
          ctx.completeNow();
        })));
  }
}
