package dev.switchboard.cluster;

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
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
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

/** A reload asked of one node reaches the other: it re-reads its own file. */
@Tag("slow")
@ExtendWith(VertxExtension.class)
// Gateways in their own JVMs (and clusters) start slowly on a loaded machine: bounds are generous.
@Timeout(value = 3, timeUnit = TimeUnit.MINUTES)
class ClusterReloadTest {

  private static final String MASTER = "sk-master-cluster-reload";

  private MockProvider mock;
  private WebClient client;
  private final List<Gateway> nodes = new ArrayList<>();
  private final List<Path> files = List.of(Gateways.configFile(), Gateways.configFile());
  private final String cluster = "sb-reload-" + UUID.randomUUID();
  private final int hazelcastPort = Gateways.freePort();

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

  private String config(String model) {
    return """
        model_list:
          - model_name: %s
            litellm_params: {model: openai/%s, api_base: "%s", api_key: sk-up}
        general_settings:
          master_key: %s
          database_url: none
          cluster: {name: %s, port: %d, interface: 127.0.0.1, members: ["127.0.0.1:%d", "127.0.0.1:%d"]}
        """.formatted(model, model, mock.apiBase(), MASTER, cluster, hazelcastPort, hazelcastPort, hazelcastPort + 1);
  }

  private Future<Gateway> node(int index) {
    return Gateways.startFromFile(files.get(index), config("before")).onSuccess(nodes::add);
  }

  private Future<List<String>> models(Gateway node) {
    return client.get(node.port(), "127.0.0.1", "/v1/models").putHeader("Authorization", "Bearer " + MASTER).send()
        .map(r -> r.bodyAsJsonObject().getJsonArray("data").stream().map(m -> ((JsonObject) m).getString("id")).toList());
  }

  private Future<HttpResponse<Buffer>> chat(Gateway node, String model) {
    return client.post(node.port(), "127.0.0.1", "/v1/chat/completions").putHeader("Authorization", "Bearer " + MASTER)
        .sendJsonObject(Requests.chat(model).user("hi").build());
  }

  @Test
  void a_reload_on_one_node_makes_the_other_reread_its_own_file(Vertx vertx, VertxTestContext ctx) {
    node(0)
        .compose(a -> node(1))
        .compose(b -> {
          for (Path file : files) {
            try {
              Files.writeString(file, config("after"));
            } catch (IOException e) {
              throw new UncheckedIOException(e);
            }
          }
          return client.post(nodes.get(0).port(), "127.0.0.1", "/config/reload")
              .putHeader("Authorization", "Bearer " + MASTER).send();
        })
        .compose(reloaded -> {
          ctx.verify(() -> assertEquals(200, reloaded.statusCode(), reloaded.bodyAsString()));
          // Node B applies the announcement on its own time: wait for its registry to show it.
          return Awaits.until(vertx, () -> nodes.get(1).registry().group("after") != null, 10_000);
        })
        .compose(applied -> models(nodes.get(1)))
        .compose(listed -> {
          ctx.verify(() -> assertEquals(List.of("after"), listed));
          return chat(nodes.get(1), "after");
        })
        .onComplete(ctx.succeeding(answer -> ctx.verify(() -> {
          assertEquals(200, answer.statusCode(), answer.bodyAsString());
          ctx.completeNow();
        })));
  }
}
