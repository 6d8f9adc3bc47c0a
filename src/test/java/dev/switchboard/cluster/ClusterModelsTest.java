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

/** A model added or deleted through /model/* on one node is served, then gone, on the other too. */
@Tag("slow")
@ExtendWith(VertxExtension.class)
@Timeout(value = 3, timeUnit = TimeUnit.MINUTES)
class ClusterModelsTest {

  private static final String MASTER = "sk-master-cluster-models";

  private MockProvider mock;
  private WebClient client;
  private final List<Gateway> nodes = new ArrayList<>();
  private final String cluster = "sb-models-" + UUID.randomUUID();
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
    String yaml = """
        model_list: []
        general_settings:
          master_key: %s
          database_url: "%s"
          store_model_in_db: true
          cluster: {name: %s, port: %d, interface: 127.0.0.1, members: ["127.0.0.1:%d", "127.0.0.1:%d"]}
        """.formatted(MASTER, database, cluster, hazelcastPort, hazelcastPort, hazelcastPort + 1);
    return Gateways.startFromFile(Gateways.configFile(), yaml).onSuccess(nodes::add);
  }

  private Future<HttpResponse<Buffer>> post(Gateway node, String path, JsonObject body) {
    return client.post(node.port(), "127.0.0.1", path).putHeader("Authorization", "Bearer " + MASTER)
        .sendJsonObject(body);
  }

  @Test
  void a_model_added_on_one_node_serves_on_the_other_and_a_delete_reaches_it(Vertx vertx, VertxTestContext ctx) {
    node()
        .compose(a -> node())
        .compose(b -> post(nodes.get(0), "/model/new", new JsonObject().put("model_name", "shared-model")
            .put("litellm_params", new JsonObject().put("model", "openai/shared-model").put("api_base", mock.apiBase())
                .put("api_key", "sk-up"))
            .put("model_info", new JsonObject().put("id", "shared-1"))))
        .compose(added -> {
          ctx.verify(() -> assertEquals(200, added.statusCode(), added.bodyAsString()));
          return Awaits.until(vertx, () -> nodes.get(1).registry().group("shared-model") != null, 20_000);
        })
        .compose(seen -> post(nodes.get(1), "/v1/chat/completions", Requests.hi("shared-model")))
        .compose(served -> {
          ctx.verify(() -> {
            assertEquals(200, served.statusCode(), served.bodyAsString());
            assertEquals(1, mock.received().size());
          });
          return post(nodes.get(0), "/model/delete", new JsonObject().put("id", "shared-1"));
        })
        .compose(deleted -> {
          ctx.verify(() -> assertEquals(200, deleted.statusCode(), deleted.bodyAsString()));
          return Awaits.until(vertx, () -> nodes.get(1).registry().group("shared-model") == null, 20_000);
        })
        .onComplete(ctx.succeeding(gone -> ctx.completeNow()));
  }
}
