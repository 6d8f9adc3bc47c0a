package dev.switchboard.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.Gateway;
import dev.switchboard.testing.Awaits;
import dev.switchboard.testing.Gateways;
import dev.switchboard.testing.MockProvider;
import dev.switchboard.testing.MockProvider.Behaviour;
import dev.switchboard.testing.Requests;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A deployment that rests on one node rests on every node: the cooldown is announced cluster-wide. */
@Tag("slow")
@ExtendWith(VertxExtension.class)
// Gateways in their own JVMs (and clusters) start slowly on a loaded machine: bounds are generous.
@Timeout(value = 3, timeUnit = TimeUnit.MINUTES)
class ClusterCooldownTest {

  private static final String MASTER = "sk-master-cooldown";

  private final List<Gateway> nodes = new ArrayList<>();
  private MockProvider mock;
  private WebClient client;

  @AfterEach
  void stop(VertxTestContext ctx) {
    client.close();
    Gateways.closeAll(nodes).eventually(mock::stop).onComplete(done -> ctx.completeNow());
  }

  private Future<Gateway> node(String cluster, int port) {
    return Gateways.start("""
        model_list:
          - {model_name: chat, litellm_params: {model: openai/flaky, api_base: "%1$s", api_key: k, order: 1}, model_info: {id: flaky}}
          - {model_name: chat, litellm_params: {model: openai/steady, api_base: "%1$s", api_key: k, order: 2}, model_info: {id: steady}}
        router_settings: {cooldown_time: 60}
        general_settings:
          master_key: %2$s
          cluster: {name: %3$s, port: %4$d, interface: 127.0.0.1, members: ["127.0.0.1:%4$d", "127.0.0.1:%5$d"]}
        """.formatted(mock.apiBase(), MASTER, cluster, port, port + 1)).onSuccess(nodes::add);
  }

  private Future<HttpResponse<Buffer>> chat(Gateway node) {
    return client.post(node.port(), "127.0.0.1", "/v1/chat/completions").putHeader("Authorization", "Bearer " + MASTER)
        .sendJsonObject(Requests.chat("chat").user("hi").build());
  }

  private long received(String model) {
    return mock.received().stream().filter(r -> model.equals(r.body().getString("model"))).count();
  }

  @Test
  void a_deployment_cooled_down_on_one_node_is_skipped_by_the_other(Vertx vertx, VertxTestContext ctx) {
    mock = new MockProvider(vertx).on("flaky", Behaviour.error(429, "{\"error\":{\"message\":\"busy\"}}", Map.of()));
    client = WebClient.create(vertx);
    String cluster = "sb-cooldown-" + UUID.randomUUID();
    int port = Gateways.freePort();
    long[] cooledAt = new long[1];
    mock.start()
        .compose(started -> node(cluster, port))
        .compose(a -> node(cluster, port))
        .compose(b -> chat(nodes.get(0)))
        .compose(answered -> {
          // Node A tried flaky first (order 1), got a 429, rested it and answered from steady.
          ctx.verify(() -> {
            assertEquals(200, answered.statusCode(), answered.bodyAsString());
            assertEquals(1, received("flaky"));
          });
          cooledAt[0] = System.nanoTime();
          return Awaits.until(vertx, () -> nodes.get(1).routing().states().coolingDown("flaky"), 10_000);
        })
        .compose(heard -> {
          long ms = (System.nanoTime() - cooledAt[0]) / 1_000_000;
          ctx.verify(() -> assertTrue(ms <= 1_000, "node B knew within a second: " + ms + " ms"));
          return Future.all(chat(nodes.get(1)), chat(nodes.get(1)), chat(nodes.get(1)));
        })
        .onComplete(ctx.succeeding(answers -> ctx.verify(() -> {
          assertTrue(answers.<HttpResponse<Buffer>>list().stream().allMatch(r -> r.statusCode() == 200));
          assertEquals(1, received("flaky"), "node B never called the deployment node A cooled down");
          ctx.completeNow();
        })));
  }
}
