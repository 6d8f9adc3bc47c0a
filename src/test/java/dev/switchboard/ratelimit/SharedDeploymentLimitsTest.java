package dev.switchboard.ratelimit;

import static dev.switchboard.ratelimit.LimitCalls.MASTER;
import static dev.switchboard.ratelimit.LimitCalls.assertRateLimited;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.Gateway;
import dev.switchboard.testing.Gateways;
import dev.switchboard.testing.MockProvider;
import dev.switchboard.testing.TestRedis;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Deployment rpm counted in one Redis by two gateways: the deployment gets its rpm, not twice it. */
@ExtendWith(VertxExtension.class)
class SharedDeploymentLimitsTest {

  private TestRedis redis;
  private MockProvider mock;
  private final List<Gateway> gateways = new ArrayList<>();
  private WebClient client;

  @BeforeEach
  void start(Vertx vertx, VertxTestContext ctx) {
    redis = TestRedis.start();
    client = WebClient.create(vertx);
    mock = new MockProvider(vertx);
    mock.start().onComplete(ctx.succeedingThenComplete());
  }

  @AfterEach
  void stop(VertxTestContext ctx) {
    client.close();
    List<Future<Void>> closing = new ArrayList<>();
    gateways.forEach(g -> closing.add(g.close()));
    closing.add(mock.stop());
    Future.join(closing).onComplete(done -> {
      redis.close();
      ctx.completeNow();
    });
  }

  /** Two gateways on one Redis with {@code deployments} deployments of model 'chat', each at rpm 3. */
  private Future<Void> twoGateways(int deployments) {
    return twoGateways(deployments, "rpm: 3");
  }

  private Future<Void> twoGateways(int deployments, String limits) {
    StringBuilder list = new StringBuilder();
    for (int i = 0; i < deployments; i++) {
      list.append("  - {model_name: chat, litellm_params: {model: openai/d").append(i).append(", api_base: \"")
          .append(mock.apiBase()).append("\", api_key: sk-up, ").append(limits).append("}}\n");
    }
    String config = """
        model_list:
        %1$srouter_settings: {redis_host: 127.0.0.1, redis_port: %2$d, queue_timeout: 0.2}
        general_settings: {master_key: %3$s}
        """.formatted(list, redis.port(), MASTER);
    return Gateways.start(config).onSuccess(gateways::add)
        .compose(one -> Gateways.start(config).onSuccess(gateways::add)).mapEmpty();
  }

  /** {@code count} calls one after the other, alternating gateways, all within one minute (else again in the next). */
  private Future<List<HttpResponse<Buffer>>> oneMinuteOfCalls(Vertx vertx, int count) {
    return oneMinuteOfCalls(vertx, count, 2);
  }

  /** The same over the first {@code spread} gateways. */
  private Future<List<HttpResponse<Buffer>>> oneMinuteOfCalls(Vertx vertx, int count, int spread) {
    long minute = System.currentTimeMillis() / 60_000;
    int before = mock.received().size();
    List<HttpResponse<Buffer>> responses = new ArrayList<>();
    Future<Void> chain = Future.succeededFuture();
    for (int i = 0; i < count; i++) {
      Gateway gateway = gateways.get(i % spread);
      chain = chain.compose(v -> LimitCalls.chat(client, gateway.port(), MASTER, "chat", "Hi")
          .map(r -> responses.add(r)).mapEmpty());
    }
    return chain.compose(v -> {
      if (System.currentTimeMillis() / 60_000 != minute) {
        return LimitCalls.settled(vertx, gateways.get(0)).compose(s -> LimitCalls.settled(vertx, gateways.get(1)))
            .compose(s -> oneMinuteOfCalls(vertx, count, spread));
      }
      calledInMinute = mock.received().size() - before;
      return Future.succeededFuture(responses);
    });
  }

  private int calledInMinute;

  private List<Integer> statuses(List<HttpResponse<Buffer>> responses) {
    return responses.stream().map(HttpResponse::statusCode).toList();
  }

  @Test
  void a_deployments_rpm_holds_across_two_gateways_sharing_redis(Vertx vertx, VertxTestContext ctx) {
    twoGateways(1)
        .compose(v -> oneMinuteOfCalls(vertx, 6))
        .onComplete(ctx.succeeding(responses -> ctx.verify(() -> {
          assertEquals(List.of(200, 200, 200, 429, 429, 429), statuses(responses),
              "each gateway alone would have let 3 through");
          assertEquals(3, calledInMinute, "exactly the deployment's rpm reached it");
          for (HttpResponse<Buffer> refused : responses.subList(3, 6)) {
            assertRateLimited(refused, "queue_timeout", null);
          }
          long denials = gateways.get(0).rateLimits().sharedDeploymentDenials()
              + gateways.get(1).rateLimits().sharedDeploymentDenials();
          assertTrue(denials >= 1, "Redis turned the deployment down at least once: " + denials);
          assertEquals(0, gateways.get(0).rateLimits().redisFallbacks() + gateways.get(1).rateLimits().redisFallbacks());
          ctx.completeNow();
        })));
  }

  @Test
  void traffic_moves_to_the_second_deployment_once_the_first_is_full_across_gateways(Vertx vertx,
      VertxTestContext ctx) {
    twoGateways(2)
        .compose(v -> oneMinuteOfCalls(vertx, 7))
        .onComplete(ctx.succeeding(responses -> ctx.verify(() -> {
          assertEquals(List.of(200, 200, 200, 200, 200, 200, 429), statuses(responses),
              "6 = 2 deployments x rpm 3 over both gateways, not 12");
          assertEquals(6, calledInMinute);
          Map<String, Integer> perDeployment = new HashMap<>();
          for (HttpResponse<Buffer> served : responses.subList(0, 6)) {
            perDeployment.merge(served.getHeader("x-litellm-model-id"), 1, Integer::sum);
          }
          assertEquals(2, perDeployment.size(), perDeployment.toString());
          perDeployment.values().forEach(n -> assertEquals(3, n, "each deployment served its rpm: " + perDeployment));
          assertRateLimited(responses.get(6), "queue_timeout", null);
          ctx.completeNow();
        })));
  }

  @Test
  void with_redis_down_a_deployments_rpm_is_counted_by_each_gateway_alone(Vertx vertx, VertxTestContext ctx) {
    twoGateways(1)
        .compose(v -> {
          redis.down();
          return oneMinuteOfCalls(vertx, 4, 1);
        })
        .onComplete(ctx.succeeding(responses -> ctx.verify(() -> {
          assertEquals(List.of(200, 200, 200, 429), statuses(responses), "never a 500 because of Redis");
          assertRateLimited(responses.get(3), "queue_timeout", null);
          RateLimiter limits = gateways.get(0).rateLimits();
          assertTrue(limits.redisFallbacks() >= 3, "picks decided in memory: " + limits.redisFallbacks());
          assertEquals(1, limits.redisOutages());
          assertTrue(!limits.redisAvailable());
          ctx.completeNow();
        })));
  }

  @Test
  void a_deployments_tokens_in_redis_are_corrected_to_the_actual_usage(Vertx vertx, VertxTestContext ctx) {
    Redis inspector = Redis.createClient(vertx, "redis://127.0.0.1:" + redis.port());
    long[] window = new long[1];
    String[] deployment = new String[1];
    twoGateways(1, "tpm: 100000")
        .compose(v -> {
          window[0] = System.currentTimeMillis() / 60_000;
          return LimitCalls.chat(client, gateways.get(1).port(), MASTER, "chat", "Hi");
        })
        .compose(served -> {
          deployment[0] = served.getHeader("x-litellm-model-id");
          return LimitCalls.settled(vertx, gateways.get(1));
        })
        .compose(v -> inspector.send(Request.cmd(Command.GET)
            .arg("sb:rl:{d:" + deployment[0] + "}:t:" + window[0])))
        .onComplete(ctx.succeeding(tokens -> ctx.verify(() -> {
          inspector.close();
          if (System.currentTimeMillis() / 60_000 != window[0]) {
            ctx.completeNow(); // the minute turned: the usage counts in the next window, nothing left to see
            return;
          }
          assertEquals(15, tokens.toLong(), "the estimate replaced by the mock's total_tokens");
          ctx.completeNow();
        })));
  }
}
