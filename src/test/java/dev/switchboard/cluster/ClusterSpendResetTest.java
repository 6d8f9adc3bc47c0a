package dev.switchboard.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.switchboard.Gateway;
import dev.switchboard.testing.Awaits;
import dev.switchboard.testing.Gateways;
import dev.switchboard.testing.MockProvider;
import dev.switchboard.testing.Requests;
import dev.switchboard.testing.TestDatabase;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A spend reset made on one node serves the key again on the other: with budgets in memory each
 * node holds the key's spend for the period itself, and only the reset's announcement cuts it
 * there (without it the other node would refuse the key until the period ends). Each chat costs
 * $0.02; the key's budget is $0.03.
 */
@Tag("slow")
@ExtendWith(VertxExtension.class)
@Timeout(value = 3, timeUnit = TimeUnit.MINUTES)
class ClusterSpendResetTest {

  private static final String MASTER = "sk-master-cluster-reset";

  private MockProvider mock;
  private WebClient client;
  private final List<Gateway> nodes = new ArrayList<>();
  private final String cluster = "sb-reset-" + UUID.randomUUID();
  private final int hazelcastPort = Gateways.freePort();
  private final String database = TestDatabase.newDatabaseUrl();

  @BeforeEach
  void start(Vertx vertx, VertxTestContext ctx) {
    mock = new MockProvider(vertx);
    client = WebClient.create(vertx);
    mock.start().onComplete(ctx.succeedingThenComplete());
  }

  @AfterEach
  void stop(VertxTestContext ctx) {
    client.close();
    Gateways.closeAll(nodes).eventually(mock::stop).onComplete(done -> ctx.completeNow());
  }

  private Future<Gateway> node() {
    return Gateways.start("""
        model_list:
          - model_name: chat
            litellm_params: {model: openai/chat, api_base: "%s", api_key: sk-up}
            model_info: {input_cost_per_token: 0.001, output_cost_per_token: 0.002}
        general_settings:
          master_key: %s
          database_url: "%s"
          budget_reservations: memory
          proxy_batch_write_at: 0.1
          cluster: {name: %s, port: %d, interface: 127.0.0.1, members: ["127.0.0.1:%d", "127.0.0.1:%d"]}
        """.formatted(mock.apiBase(), MASTER, database, cluster, hazelcastPort, hazelcastPort, hazelcastPort + 1))
        .onSuccess(nodes::add);
  }

  private Future<HttpResponse<Buffer>> post(Gateway node, String path, String key, JsonObject body) {
    return client.post(node.port(), "127.0.0.1", path).putHeader("Authorization", "Bearer " + key).sendJsonObject(body);
  }

  private Future<HttpResponse<Buffer>> chat(Gateway node, String key) {
    return post(node, "/v1/chat/completions", key, Requests.chat("chat").maxTokens(5).user("Hi").build());
  }

  private Future<Void> written(Vertx vertx, Gateway node, long rows) {
    return Awaits.until(vertx, () -> node.accounting().writer().writtenRows() >= rows, 10_000);
  }

  /** Chats on {@code node} until one is served (the announcement has arrived), within the deadline. */
  private Future<HttpResponse<Buffer>> servedBy(Vertx vertx, Gateway node, String key, long deadline) {
    return chat(node, key).compose(answer -> answer.statusCode() == 200 || System.currentTimeMillis() > deadline
        ? Future.succeededFuture(answer)
        : Future.<Void>future(p -> vertx.setTimer(100, t -> p.complete())).compose(v -> servedBy(vertx, node, key, deadline)));
  }

  @Test
  void a_reset_on_one_node_serves_the_key_again_on_the_other(Vertx vertx, VertxTestContext ctx) {
    String[] key = new String[1];
    node()
        .compose(a -> node())
        .compose(b -> post(nodes.get(0), "/key/generate", MASTER, new JsonObject().put("max_budget", 0.03)))
        .compose(generated -> {
          key[0] = generated.bodyAsJsonObject().getString("key");
          return chat(nodes.get(1), key[0]);
        })
        .compose(first -> written(vertx, nodes.get(1), 1))
        .compose(first -> chat(nodes.get(1), key[0]))
        .compose(second -> written(vertx, nodes.get(1), 2))
        .compose(second -> chat(nodes.get(1), key[0]))
        .compose(third -> {
          ctx.verify(() -> assertEquals(400, third.statusCode(), "over budget on node B: " + third.bodyAsString()));
          return written(vertx, nodes.get(1), 3);
        })
        .compose(over -> post(nodes.get(0), "/key/" + key[0] + "/reset_spend", MASTER, new JsonObject().put("reset_to", 0)))
        .compose(reset -> {
          ctx.verify(() -> assertEquals(200, reset.statusCode(), reset.bodyAsString()));
          return servedBy(vertx, nodes.get(1), key[0], System.currentTimeMillis() + 20_000);
        })
        .onComplete(ctx.succeeding(served -> ctx.verify(() -> {
          assertEquals(200, served.statusCode(), "node B serves the key again: " + served.bodyAsString());
          ctx.completeNow();
        })));
  }
}
