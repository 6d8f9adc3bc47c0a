package dev.switchboard.ratelimit;

import static dev.switchboard.ratelimit.LimitCalls.MASTER;
import static dev.switchboard.ratelimit.LimitCalls.assertRateLimited;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.Gateway;
import dev.switchboard.testing.Awaits;
import dev.switchboard.testing.Gateways;
import dev.switchboard.testing.TestDatabase;
import dev.switchboard.testing.TestRedis;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Limits shared through a real Redis by two gateways, and what happens when Redis goes away and comes back. */
@ExtendWith(VertxExtension.class)
class RedisLimitsTest {

  private TestRedis redis;
  private dev.switchboard.testing.MockProvider mock;
  private final List<Gateway> gateways = new ArrayList<>();
  private WebClient client;
  private Redis inspector;

  @BeforeEach
  void awayFromTheMinutesEnd(Vertx vertx, VertxTestContext ctx) {
    // Rate limits count per clock minute: the test's requests must all fall in one.
    Awaits.minuteHasAtLeast(vertx, 20).onComplete(ctx.succeedingThenComplete());
  }

  @BeforeEach
  void start(Vertx vertx, VertxTestContext ctx) {
    redis = TestRedis.start();
    client = WebClient.create(vertx);
    inspector = Redis.createClient(vertx, "redis://127.0.0.1:" + redis.port());
    mock = new dev.switchboard.testing.MockProvider(vertx);
    mock.start().onComplete(ctx.succeedingThenComplete());
  }

  @AfterEach
  void stop(VertxTestContext ctx) {
    client.close();
    inspector.close();
    List<Future<Void>> closing = new ArrayList<>();
    gateways.forEach(g -> closing.add(g.close()));
    closing.add(mock.stop());
    Future.join(closing).onComplete(done -> {
      redis.close();
      ctx.completeNow();
    });
  }

  private Future<Gateway> gateway(String databaseUrl) {
    return Gateways.start("""
        model_list:
          - {model_name: chat, litellm_params: {model: openai/chat, api_base: "%1$s", api_key: sk-up}}
        router_settings: {redis_host: 127.0.0.1, redis_port: %2$d}
        general_settings: {master_key: %3$s, database_url: "%4$s"}
        """.formatted(mock.apiBase(), redis.port(), MASTER, databaseUrl)).onSuccess(gateways::add);
  }

  private Future<HttpResponse<Buffer>> chat(Gateway gateway, String key) {
    return LimitCalls.chat(client, gateway.port(), key, "chat", "Hi");
  }

  private Future<Integer> counterKeys() {
    return inspector.send(Request.cmd(Command.KEYS).arg("sb:rl:*")).map(keys -> keys.size());
  }

  @Test
  void two_gateways_share_one_limit_through_redis(Vertx vertx, VertxTestContext ctx) {
    String databaseUrl = TestDatabase.newDatabaseUrl();
    String[] key = new String[1];
    gateway(databaseUrl).compose(one -> gateway(databaseUrl))
        .compose(two -> LimitCalls.newKey(client, gateways.get(0).port(), new JsonObject().put("rpm_limit", 3)))
        .compose(k -> {
          key[0] = k;
          return sharedMinute(vertx, k);
        })
        .compose(v -> counterKeys())
        .onComplete(ctx.succeeding(keys -> ctx.verify(() -> {
          assertTrue(keys > 0, "the counts are in Redis");
          String names = inspector.send(Request.cmd(Command.KEYS).arg("sb:rl:*")).toString();
          assertTrue(!names.contains(key[0]), "no key in Redis");
          ctx.completeNow();
        })));
  }

  /** Three calls pass across both gateways, the fourth (and a fifth, answered from the local view) do not. */
  private Future<Void> sharedMinute(Vertx vertx, String key) {
    long minute = System.currentTimeMillis() / 60_000;
    Gateway one = gateways.get(0);
    Gateway two = gateways.get(1);
    List<Integer> statuses = new ArrayList<>();
    return chat(one, key).compose(r -> {
          statuses.add(r.statusCode());
          return chat(two, key);
        })
        .compose(r -> {
          statuses.add(r.statusCode());
          return chat(one, key);
        })
        .compose(r -> {
          statuses.add(r.statusCode());
          return chat(two, key);
        })
        .compose(fourth -> chat(two, key).map(fifth -> List.of(fourth, fifth)))
        .compose(refused -> {
          if (System.currentTimeMillis() / 60_000 != minute) {
            return LimitCalls.settled(vertx, one).compose(v -> sharedMinute(vertx, key));
          }
          assertEquals(List.of(200, 200, 200), statuses, "each gateway alone would allow 3");
          assertRateLimited(refused.get(0), "rpm_limit", key);
          assertRateLimited(refused.get(1), "rpm_limit", key);
          assertEquals("0", refused.get(0).getHeader("x-ratelimit-remaining-requests"));
          assertEquals(0, one.rateLimits().redisFallbacks() + two.rateLimits().redisFallbacks());
          return Future.<Void>succeededFuture();
        });
  }

  @Test
  void a_request_refused_for_its_budget_gives_back_its_rpm_and_tpm_in_redis(Vertx vertx, VertxTestContext ctx) {
    String[] key = new String[1];
    gateway(TestDatabase.newDatabaseUrl())
        .compose(g -> LimitCalls.newKey(client, g.port(), new JsonObject().put("rpm_limit", 1).put("tpm_limit", 1)
            .put("max_budget", 0)))
        .compose(k -> {
          key[0] = k;
          return chat(gateways.get(0), k);
        })
        .compose(overBudget -> {
          ctx.verify(() -> assertEquals(400, overBudget.statusCode(), overBudget.bodyAsString()));
          return LimitCalls.settled(vertx, gateways.get(0));
        })
        .compose(v -> LimitCalls.admin(client, gateways.get(0).port(), "/key/update",
            new JsonObject().put("key", key[0]).put("max_budget", 100)))
        .compose(updated -> chat(gateways.get(0), key[0]))
        .onComplete(ctx.succeeding(allowed -> ctx.verify(() -> {
          assertEquals(200, allowed.statusCode(), "the request after the budget was raised: " + allowed.bodyAsString());
          ctx.completeNow();
        })));
  }

  @Test
  void redis_stopped_mid_run_degrades_to_local_counting_with_one_warning_and_recovers(Vertx vertx,
      VertxTestContext ctx) {
    List<LogRecord> warnings = new ArrayList<>();
    Logger logger = Logger.getLogger(RateLimiter.class.getName());
    Handler capture = new Handler() {
      @Override
      public synchronized void publish(LogRecord record) {
        if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
          warnings.add(record);
        }
      }

      @Override
      public void flush() {
      }

      @Override
      public void close() {
      }
    };
    logger.addHandler(capture);
    String[] key = new String[1];
    Gateway[] gateway = new Gateway[1];
    gateway(TestDatabase.newDatabaseUrl())
        .compose(g -> {
          gateway[0] = g;
          return LimitCalls.newKey(client, g.port(), new JsonObject().put("rpm_limit", 1000).put("tpm_limit", 100_000)
              .put("max_parallel_requests", 10));
        })
        .compose(k -> {
          key[0] = k;
          return chat(gateway[0], k);
        })
        .compose(first -> {
          ctx.verify(() -> {
            assertEquals(200, first.statusCode());
            assertEquals("999", first.getHeader("x-ratelimit-remaining-requests"));
          });
          return LimitCalls.settled(vertx, gateway[0]);
        })
        .compose(v -> {
          redis.down();
          return chat(gateway[0], key[0]);
        })
        .compose(r -> chat(gateway[0], key[0]).map(r2 -> List.of(r, r2)))
        .compose(during -> chat(gateway[0], key[0]).map(r3 -> List.of(during.get(0), during.get(1), r3)))
        .compose(during -> {
          ctx.verify(() -> {
            for (HttpResponse<Buffer> response : during) {
              assertEquals(200, response.statusCode(), "never a 500 because of Redis: " + response.bodyAsString());
            }
            RateLimiter limits = gateway[0].rateLimits();
            assertEquals(3, limits.redisFallbacks());
            assertEquals(1, limits.redisOutages());
            assertTrue(!limits.redisAvailable());
            assertEquals(1, warnings.size(), "one warning per outage, not per request");
            assertTrue(warnings.get(0).getMessage().contains("127.0.0.1:" + redis.port()), warnings.get(0).getMessage());
          });
          redis.up();
          return Awaits.until(vertx, () -> gateway[0].rateLimits().redisAvailable(), 20_000);
        })
        .compose(v -> LimitCalls.settled(vertx, gateway[0]))
        .compose(v -> chat(gateway[0], key[0]))
        .compose(after -> {
          ctx.verify(() -> {
            assertEquals(200, after.statusCode());
            assertEquals(3, gateway[0].rateLimits().redisFallbacks(), "counted in Redis again");
          });
          return counterKeys();
        })
        .onComplete(ctx.succeeding(keys -> ctx.verify(() -> {
          logger.removeHandler(capture);
          assertTrue(keys > 0, "counters are back in the restarted Redis");
          assertEquals(1, warnings.size());
          ctx.completeNow();
        })));
  }
}
