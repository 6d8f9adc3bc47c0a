package dev.switchboard.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.Gateway;
import dev.switchboard.testing.Awaits;
import dev.switchboard.testing.GatewayJvm;
import dev.switchboard.testing.Gateways;
import dev.switchboard.testing.MockProvider;
import dev.switchboard.testing.Requests;
import dev.switchboard.testing.TestDatabase;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A clustered node killed outright (SIGKILL) with spend still spooled: the other node keeps serving,
 * and the killed node's spooled spend is written, each request once, when it starts again on its
 * own data directory (as a container restarts on its volume).
 */
@Tag("slow")
@ExtendWith(VertxExtension.class)
// Gateways in their own JVMs (and clusters) start slowly on a loaded machine: bounds are generous.
@Timeout(value = 3, timeUnit = TimeUnit.MINUTES)
class NodeKilledTest {

  private static final String MASTER = "sk-master-killed";

  @TempDir
  Path dir;

  @RegisterExtension
  final GatewayJvm jvm = new GatewayJvm();

  private Process process;
  private final List<Gateway> gateways = new ArrayList<>();

  @AfterEach
  void stop(VertxTestContext ctx) {
    Gateways.closeAll(gateways).onComplete(done -> ctx.completeNow());
  }

  private String config(MockProvider mock, String databaseUrl, String cluster, int hazelcastPort) {
    return """
        model_list:
          - model_name: chat
            litellm_params: {model: openai/chat, api_base: "%s", api_key: sk-up}
            model_info: {input_cost_per_token: 0.001, output_cost_per_token: 0.002}
        general_settings:
          master_key: %s
          database_url: "%s"
          spend_spool_dir: "%s"
          cluster: {name: %s, port: %d, interface: 127.0.0.1, members: ["127.0.0.1:%d", "127.0.0.1:%d"]}
        """.formatted(mock.apiBase(), MASTER, databaseUrl, dir.resolve("spool-a"), cluster, hazelcastPort,
        hazelcastPort, hazelcastPort + 1);
  }

  private Future<Integer> chat(WebClient client, int port) {
    return client.post(port, "127.0.0.1", "/v1/chat/completions").putHeader("Authorization", "Bearer " + MASTER)
        .sendJsonObject(Requests.chat("chat").user("hi").build())
        .map(response -> response.statusCode());
  }

  /** Request ids in the killed node's spool files. */
  private Set<String> spooled() {
    Set<String> ids = new HashSet<>();
    try (Stream<Path> files = Files.list(dir.resolve("spool-a"))) {
      for (Path file : files.toList()) {
        for (String line : Files.readAllLines(file)) {
          if (line.startsWith("{")) {
            ids.add(new JsonObject(line).getString("id"));
          }
        }
      }
    } catch (IOException e) {
      if (!(e instanceof java.nio.file.NoSuchFileException)) {
        throw new UncheckedIOException(e);
      }
    }
    return ids;
  }

  @Test
  void a_killed_node_loses_no_spooled_spend_and_the_other_keeps_serving(Vertx vertx, VertxTestContext ctx)
      throws IOException {
    MockProvider mock = new MockProvider(vertx);
    WebClient client = WebClient.create(vertx);
    String url = TestDatabase.newDatabaseUrl();
    String cluster = "sb-kill-" + UUID.randomUUID();
    int hazelcast = Gateways.freePort();
    int portA = Gateways.freePort();
    Path configA = dir.resolve("a.yaml");
    mock.start()
        .compose(started -> {
          try {
            // A writes spend once an hour: its rows wait in its spool, as while Postgres is away.
            Files.writeString(configA, config(mock, url, cluster, hazelcast).replace("master_key",
                "proxy_batch_write_at: 3600\n  master_key"));
            process = jvm.start(configA, portA, dir.resolve("a.log"));
          } catch (IOException e) {
            return Future.failedFuture(e);
          }
          return Gateways.start(config(mock, url, cluster, hazelcast).replace("spool-a", "spool-b"))
              .onSuccess(gateways::add);
        })
        .compose(nodeB -> GatewayJvm.serving(vertx, process, portA, dir.resolve("a.log"), 60_000))
        .compose(serving -> {
          List<Future<Integer>> sent = new ArrayList<>();
          for (int i = 0; i < 20; i++) {
            sent.add(chat(client, portA));
          }
          return Future.all(sent);
        })
        .compose(answered -> {
          ctx.verify(() -> assertTrue(answered.<Integer>list().stream().allMatch(s -> s == 200)));
          // Its 20 rows are on disk, in its spool, not yet in Postgres, when it dies.
          return Awaits.until(vertx, () -> spooled().size() == 20, 10_000);
        })
        .compose(spooled -> {
          process.destroyForcibly(); // SIGKILL: no hook, no flush
          return vertx.executeBlocking(() -> process.waitFor());
        })
        .compose(dead -> chat(client, gateways.get(0).port()))
        .compose(servedByB -> {
          ctx.verify(() -> assertEquals(200, servedByB, "the other node keeps serving"));
          // A comes back on its own spool (its volume), and writes what it left there before serving.
          return Gateways.start(config(mock, url, cluster, hazelcast)).onSuccess(gateways::add);
        })
        .compose(restarted -> Awaits.until(vertx, () -> restarted.accounting().writer().pendingRows() == 0, 10_000)
            .compose(v -> client.get(restarted.port(), "127.0.0.1", "/spend/logs").addQueryParam("limit", "1000")
                .putHeader("Authorization", "Bearer " + MASTER).send()))
        .eventually(mock::stop)
        .onComplete(ctx.succeeding(logs -> ctx.verify(() -> {
          JsonArray rows = logs.bodyAsJsonArray();
          Set<String> ids = new HashSet<>();
          rows.forEach(row -> ids.add(((JsonObject) row).getString("request_id")));
          assertEquals(21, rows.size(), "A's 20 requests and B's one: " + rows.size());
          assertEquals(21, ids.size(), "each once");
          assertTrue(!Files.list(dir.resolve("spool-a")).findAny().isPresent(), "A's spool is empty once written");
          client.close();
          ctx.completeNow();
        })));
  }
}
