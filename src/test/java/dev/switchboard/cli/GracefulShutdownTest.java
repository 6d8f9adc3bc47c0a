package dev.switchboard.cli;

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
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM to a real gateway process: it stops accepting, lets the request in flight finish, writes
 * its spend row and exits.
 */
@Tag("slow")
@ExtendWith(VertxExtension.class)
// Gateways in their own JVMs (and clusters) start slowly on a loaded machine: bounds are generous.
@Timeout(value = 3, timeUnit = TimeUnit.MINUTES)
class GracefulShutdownTest {

  private static final String MASTER = "sk-master-sigterm";

  @TempDir
  Path dir;

  @RegisterExtension
  final GatewayJvm jvm = new GatewayJvm();

  private Process process;

  @Test
  void sigterm_lets_the_request_in_flight_finish_and_writes_its_spend(Vertx vertx, VertxTestContext ctx) throws IOException {
    MockProvider mock = new MockProvider(vertx).on("slow", MockProvider.Behaviour.ok().withDelay(1500));
    WebClient client = WebClient.create(vertx);
    String url = TestDatabase.newDatabaseUrl();
    int port = Gateways.freePort();
    Path config = dir.resolve("config.yaml");
    Path log = dir.resolve("gateway.log");
    Gateway[] reader = new Gateway[1];
    mock.start()
        .compose(started -> {
          try {
            Files.writeString(config, """
                model_list:
                  - model_name: slow
                    litellm_params: {model: openai/slow, api_base: "%s", api_key: sk-up}
                general_settings:
                  master_key: %s
                  database_url: "%s"
                  spend_spool_dir: "%s"
                """.formatted(mock.apiBase(), MASTER, url, dir.resolve("spool")));
            process = jvm.start(config, port, log);
          } catch (IOException e) {
            return Future.failedFuture(e);
          }
          return GatewayJvm.serving(vertx, process, port, log, 60_000);
        })
        .compose(serving -> {
          Future<Integer> inFlight = client.post(port, "127.0.0.1", "/v1/chat/completions")
              .putHeader("Authorization", "Bearer " + MASTER)
              .sendJsonObject(Requests.chat("slow").user("hi").build())
              .map(response -> response.statusCode());
          return Awaits.until(vertx, () -> mock.received().size() == 1, 10_000)
              .compose(upstreamHasIt -> {
                process.destroy(); // SIGTERM
                return inFlight;
              });
        })
        .compose(status -> {
          ctx.verify(() -> assertEquals(200, status, "the request in flight finished"));
          // Within the test's own bound, so a shutdown that hangs fails here, with the gateway's log.
          return vertx.executeBlocking(() -> process.waitFor(40, TimeUnit.SECONDS) ? process.exitValue() : -1);
        })
        .compose(exit -> {
          ctx.verify(() -> assertTrue(exit >= 0, "the gateway exited by itself: " + GatewayJvm.logOf(log)));
          return client.get(port, "127.0.0.1", "/health/liveliness").send()
              .transform(after -> Future.succeededFuture(after.succeeded() ? "answered" : "refused"));
        })
        .compose(after -> {
          ctx.verify(() -> assertEquals("refused", after, "nothing listens any more"));
          return Gateways.start("""
              model_list: []
              general_settings: {master_key: %s, database_url: "%s"}
              """.formatted(MASTER, url));
        })
        .compose(started -> {
          reader[0] = started;
          return client.get(started.port(), "127.0.0.1", "/spend/logs").putHeader("Authorization", "Bearer " + MASTER)
              .send();
        })
        .eventually(() -> reader[0] == null ? mock.stop() : reader[0].close().eventually(mock::stop))
        .onComplete(ctx.succeeding(logs -> ctx.verify(() -> {
          JsonArray rows = logs.bodyAsJsonArray();
          assertEquals(1, rows.size(), "the spend of the request that finished during shutdown was written: "
              + Files.readString(log));
          assertEquals("slow", rows.getJsonObject(0).getString("model_group"));
          client.close();
          ctx.completeNow();
        })));
  }
}
