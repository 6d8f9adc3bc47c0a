package dev.switchboard.spend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.Gateway;
import dev.switchboard.testing.Awaits;
import dev.switchboard.testing.GatewayJvm;
import dev.switchboard.testing.Gateways;
import dev.switchboard.testing.MockProvider;
import dev.switchboard.testing.SteadyTraffic;
import dev.switchboard.testing.TestDatabase;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * No answered request without a durable spend record: real gateway processes are killed with
 * SIGKILL under traffic (plain answers and streams); every answer that reached its client whole (a
 * stream: its [DONE]) has its row once the spool is replayed. SIGTERM leaves no spool segment.
 */
@Tag("slow")
@ExtendWith(VertxExtension.class)
@Timeout(value = 4, timeUnit = TimeUnit.MINUTES)
class SpendDurabilityTest {

  private static final String MASTER = "sk-master-durable";

  @TempDir
  Path dir;

  @RegisterExtension
  final GatewayJvm jvm = new GatewayJvm();

  private Future<Process> gatewayProcess(Vertx vertx, MockProvider mock, String url, int port, String name) {
    Path config = dir.resolve(name + ".yaml");
    Path log = dir.resolve(name + ".log");
    Process process;
    try {
      Files.writeString(config, """
          model_list:
            - model_name: chat
              litellm_params: {model: openai/chat, api_base: "%s", api_key: sk-up}
          general_settings:
            master_key: %s
            database_url: "%s"
            spend_spool_dir: "%s"
            proxy_batch_write_at: 0.05
          """.formatted(mock.apiBase(), MASTER, url, dir.resolve("spool")));
      process = jvm.start(config, port, log);
    } catch (IOException e) {
      return Future.failedFuture(e);
    }
    return GatewayJvm.serving(vertx, process, port, log, 60_000).map(process);
  }

  /** Traffic until {@code answers} more have arrived whole, then SIGKILL; the ids answered whole. */
  private Future<Set<String>> killedUnderTraffic(Vertx vertx, WebClient client, MockProvider mock, String url, int n) {
    int port = Gateways.freePort();
    return gatewayProcess(vertx, mock, url, port, "gateway-" + n).compose(process -> {
      SteadyTraffic traffic = new SteadyTraffic(client, port, MASTER).withStreams().start(8);
      return Awaits.until(vertx, () -> traffic.completeIds().size() >= 300, 60_000)
          .compose(enough -> vertx.executeBlocking(() -> {
            process.destroyForcibly(); // SIGKILL, mid-traffic
            process.waitFor(30, TimeUnit.SECONDS);
            return null;
          }))
          .compose(killed -> traffic.stop())
          .map(stopped -> traffic.completeIds());
    });
  }

  private static Future<Set<String>> rowIds(Vertx vertx, String url) {
    Pool pool = PgBuilder.pool().connectingTo(PgConnectOptions.fromUri(url)).using(vertx).build();
    return pool.query("SELECT request_id FROM spend_logs").execute().map(rows -> {
      Set<String> ids = new HashSet<>();
      for (Row row : rows) {
        ids.add(row.getString(0));
      }
      return ids;
    }).eventually(pool::close);
  }

  private Set<String> segments() throws IOException {
    if (!Files.isDirectory(dir.resolve("spool"))) {
      return Set.of();
    }
    try (Stream<Path> files = Files.list(dir.resolve("spool"))) {
      return files.map(f -> f.getFileName().toString()).filter(f -> f.startsWith("spend-")).collect(
          java.util.stream.Collectors.toSet());
    }
  }

  @Test
  void every_request_answered_before_a_sigkill_has_its_row_after_replay(Vertx vertx, VertxTestContext ctx) {
    MockProvider mock = new MockProvider(vertx);
    WebClient client = WebClient.create(vertx);
    String url = TestDatabase.newDatabaseUrl();
    Set<String> answered = new HashSet<>();
    Gateway[] replayer = new Gateway[1];
    mock.start()
        .compose(v -> killedUnderTraffic(vertx, client, mock, url, 1))
        .compose(ids -> {
          answered.addAll(ids);
          return killedUnderTraffic(vertx, client, mock, url, 2);
        })
        .compose(ids -> {
          answered.addAll(ids);
          // A gateway started on the same spool replays what the killed ones left before it serves.
          return Gateways.start("""
              model_list: []
              general_settings: {master_key: %s, database_url: "%s", spend_spool_dir: "%s"}
              """.formatted(MASTER, url, dir.resolve("spool")));
        })
        .compose(started -> {
          replayer[0] = started;
          return Awaits.until(vertx, () -> started.accounting().writer().spooledRows() == 0, 30_000);
        })
        .compose(replayed -> rowIds(vertx, url))
        .eventually(() -> (replayer[0] == null ? Future.succeededFuture() : replayer[0].close()).eventually(mock::stop))
        .onComplete(ctx.succeeding(rows -> ctx.verify(() -> {
          Set<String> missing = new HashSet<>(answered);
          missing.removeAll(rows);
          assertTrue(answered.size() >= 600, "enough traffic: " + answered.size());
          assertEquals(Set.of(), missing, "answered without a row, of " + answered.size());
          client.close();
          ctx.completeNow();
        })));
  }

  @Test
  void sigterm_under_traffic_writes_every_answered_row_and_leaves_no_spool_segment(Vertx vertx, VertxTestContext ctx) {
    MockProvider mock = new MockProvider(vertx);
    WebClient client = WebClient.create(vertx);
    String url = TestDatabase.newDatabaseUrl();
    int port = Gateways.freePort();
    Process[] process = new Process[1];
    SteadyTraffic[] traffic = new SteadyTraffic[1];
    mock.start()
        .compose(v -> gatewayProcess(vertx, mock, url, port, "sigterm"))
        .compose(started -> {
          process[0] = started;
          traffic[0] = new SteadyTraffic(client, port, MASTER).withStreams().start(4);
          return Awaits.until(vertx, () -> traffic[0].completeIds().size() >= 40, 60_000);
        })
        .compose(enough -> vertx.executeBlocking(() -> {
          process[0].destroy(); // SIGTERM, with requests still coming
          return process[0].waitFor(60, TimeUnit.SECONDS) ? process[0].exitValue() : -1;
        }))
        .compose(exit -> {
          ctx.verify(() -> assertTrue(exit >= 0, "the gateway exited by itself"));
          return traffic[0].stop();
        })
        .compose(stopped -> rowIds(vertx, url))
        .eventually(mock::stop)
        .onComplete(ctx.succeeding(rows -> ctx.verify(() -> {
          assertEquals(Set.of(), segments(), "no spool segment left behind");
          Set<String> missing = new HashSet<>(traffic[0].completeIds());
          missing.removeAll(rows);
          assertEquals(Set.of(), missing, "answered without a row, of " + traffic[0].completeIds().size());
          client.close();
          ctx.completeNow();
        })));
  }
}
