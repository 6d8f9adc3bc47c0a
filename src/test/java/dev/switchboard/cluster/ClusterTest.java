package dev.switchboard.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.Gateway;
import dev.switchboard.testing.Awaits;
import dev.switchboard.testing.Gateways;
import dev.switchboard.testing.MockProvider;
import dev.switchboard.testing.Requests;
import dev.switchboard.testing.TestDatabase;
import dev.switchboard.testing.TestRedis;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Two gateways clustered through Hazelcast on loopback, with one Postgres and one Redis: what one
 * node decides, the other honours.
 */
@Tag("slow")
@ExtendWith(VertxExtension.class)
// Gateways in their own JVMs (and clusters) start slowly on a loaded machine: bounds are generous.
@Timeout(value = 3, timeUnit = TimeUnit.MINUTES)
class ClusterTest {

  private static final String MASTER = "sk-master-cluster";

  private MockProvider mock;
  private TestRedis redis;
  private WebClient client;
  private final List<Gateway> nodes = new ArrayList<>();

  @BeforeEach
  void awayFromTheMinutesEnd(Vertx vertx, VertxTestContext ctx) {
    // Rate limits count per clock minute: the test's requests must all fall in one.
    Awaits.minuteHasAtLeast(vertx, 25).onComplete(ctx.succeedingThenComplete());
  }

  @BeforeEach
  void start(Vertx vertx, VertxTestContext ctx) {
    redis = TestRedis.start();
    mock = new MockProvider(vertx);
    client = WebClient.create(vertx);
    mock.start().onComplete(ctx.succeedingThenComplete());
  }

  @AfterEach
  void stop(VertxTestContext ctx) {
    client.close();
    Gateways.closeAll(nodes).eventually(mock::stop).onComplete(done -> {
      redis.close();
      ctx.completeNow();
    });
  }

  private Future<Gateway> node(String databaseUrl, String cluster, int hazelcastPort) {
    return Gateways.start("""
        model_list:
          - model_name: chat
            litellm_params: {model: openai/chat, api_base: "%s", api_key: sk-up}
            model_info: {input_cost_per_token: 0.001, output_cost_per_token: 0.002}
        router_settings: {redis_host: 127.0.0.1, redis_port: %d}
        general_settings:
          master_key: %s
          database_url: "%s"
          proxy_batch_write_at: 0.05
          cluster: {name: %s, port: %d, interface: 127.0.0.1, members: ["127.0.0.1:%d", "127.0.0.1:%d"]}
        """.formatted(mock.apiBase(), redis.port(), MASTER, databaseUrl, cluster, hazelcastPort, hazelcastPort,
        hazelcastPort + 1)).onSuccess(nodes::add);
  }

  private Future<HttpResponse<Buffer>> chat(Gateway node, String key) {
    return client.post(node.port(), "127.0.0.1", "/v1/chat/completions").putHeader("Authorization", "Bearer " + key)
        .sendJsonObject(Requests.chat("chat").user("hi").build());
  }

  private Future<JsonObject> admin(Gateway node, String path, JsonObject body) {
    return client.post(node.port(), "127.0.0.1", path).putHeader("Authorization", "Bearer " + MASTER).sendJsonObject(body)
        .map(response -> {
          assertEquals(200, response.statusCode(), path + ": " + response.bodyAsString());
          return response.bodyAsJsonObject();
        });
  }

  /** Asks until the answer is {@code status}, or fails after {@code limitMs}; how long it took, in ms. */
  private Future<Long> untilStatus(Vertx vertx, Gateway node, String key, int status, long limitMs) {
    long start = System.nanoTime();
    Promise<Long> done = Promise.promise();
    poll(vertx, node, key, status, start, limitMs, done);
    return done.future();
  }

  private void poll(Vertx vertx, Gateway node, String key, int status, long start, long limitMs, Promise<Long> done) {
    chat(node, key).onComplete(answer -> {
      long elapsedMs = (System.nanoTime() - start) / 1_000_000;
      if (answer.succeeded() && answer.result().statusCode() == status) {
        done.complete(elapsedMs);
      } else if (elapsedMs > limitMs) {
        done.fail("still not " + status + " after " + elapsedMs + " ms");
      } else {
        vertx.setTimer(5, id -> poll(vertx, node, key, status, start, limitMs, done));
      }
    });
  }

  @Test
  void a_key_revoked_on_one_node_is_refused_on_the_other_and_limits_and_spend_span_both(Vertx vertx,
      VertxTestContext ctx) {
    String url = TestDatabase.newDatabaseUrl();
    String cluster = "sb-test-" + UUID.randomUUID();
    int port = Gateways.freePort();
    String[] keys = new String[2];
    node(url, cluster, port)
        .compose(a -> node(url, cluster, port))
        .compose(b -> admin(nodes.get(0), "/key/generate", new JsonObject().put("key_alias", "revoked")))
        .compose(generated -> {
          keys[0] = generated.getString("key");
          return admin(nodes.get(0), "/key/generate", new JsonObject().put("key_alias", "limited").put("rpm_limit", 3));
        })
        .compose(generated -> {
          keys[1] = generated.getString("key");
          // Node B serves (and caches) the first key before node A deletes it.
          return chat(nodes.get(1), keys[0]);
        })
        .compose(cached -> {
          ctx.verify(() -> assertEquals(200, cached.statusCode()));
          return admin(nodes.get(0), "/key/delete", new JsonObject().put("keys", new JsonArray().add(keys[0])));
        })
        .compose(deleted -> untilStatus(vertx, nodes.get(1), keys[0], 401, 1000))
        .compose(revokedAfterMs -> {
          ctx.verify(() -> assertTrue(revokedAfterMs <= 1000, "refused on the other node within a second"));
          List<Future<HttpResponse<Buffer>>> six = new ArrayList<>();
          for (int i = 0; i < 6; i++) {
            six.add(chat(nodes.get(i % 2), keys[1]));
          }
          return Future.all(six);
        })
        .compose(answers -> {
          long admitted = answers.<HttpResponse<Buffer>>list().stream().filter(r -> r.statusCode() == 200).count();
          ctx.verify(() -> assertEquals(3, admitted, "rpm_limit 3 holds across both nodes"));
          // Every authenticated request (1 with the revoked key, 6 with the limited one) is in
          // spend_logs once, whichever node served it.
          return untilRows(vertx, 1 + 6);
        })
        .onComplete(ctx.succeeding(rows -> ctx.verify(() -> {
          assertEquals(rows.size(), rows.stream().map(r -> ((JsonObject) r).getString("request_id")).distinct().count());
          ctx.completeNow();
        })));
  }

  /** /spend/logs once it holds at least {@code rows} rows. */
  private Future<JsonArray> untilRows(Vertx vertx, int rows) {
    Promise<JsonArray> done = Promise.promise();
    long deadline = System.currentTimeMillis() + 10_000;
    pollRows(vertx, rows, deadline, done);
    return done.future();
  }

  private void pollRows(Vertx vertx, int rows, long deadline, Promise<JsonArray> done) {
    client.get(nodes.get(0).port(), "127.0.0.1", "/spend/logs").addQueryParam("limit", "1000")
        .putHeader("Authorization", "Bearer " + MASTER).send().onComplete(answer -> {
          JsonArray found = answer.succeeded() ? answer.result().bodyAsJsonArray() : new JsonArray();
          if (found.size() >= rows) {
            done.complete(found);
          } else if (System.currentTimeMillis() > deadline) {
            done.fail("spend_logs has " + found.size() + " rows, expected " + rows);
          } else {
            vertx.setTimer(20, id -> pollRows(vertx, rows, deadline, done));
          }
        });
  }
}
