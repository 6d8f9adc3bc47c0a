package dev.switchboard.spend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.Gateway;
import dev.switchboard.testing.Awaits;
import dev.switchboard.testing.Gateways;
import dev.switchboard.testing.MockProvider;
import dev.switchboard.testing.Requests;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * No spend is lost: while Postgres is down rows wait in the spool, and when it is back every
 * request is in spend_logs exactly once, its cost counted once; a replayed row is not counted twice.
 * This test runs a Postgres of its own, so it can stop and restart it.
 */
@ExtendWith(VertxExtension.class)
class SpendSpoolTest {

  private static final String MASTER = "sk-master-spool";

  @TempDir
  Path dir;

  private int pgPort;
  private EmbeddedPostgres postgres;
  private MockProvider mock;
  private WebClient client;
  private Gateway gateway;

  @BeforeEach
  void start(Vertx vertx, VertxTestContext ctx) throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      pgPort = socket.getLocalPort();
    }
    startPostgres();
    mock = new MockProvider(vertx);
    client = WebClient.create(vertx);
    mock.start().onComplete(ctx.succeedingThenComplete());
  }

  @AfterEach
  void stop(VertxTestContext ctx) throws IOException {
    client.close();
    (gateway == null ? Future.<Void>succeededFuture() : gateway.close()).eventually(mock::stop)
        .onComplete(ctx.succeedingThenComplete());
    if (postgres != null) {
      postgres.close();
    }
  }

  private void startPostgres() throws IOException {
    postgres = EmbeddedPostgres.builder().setServerConfig("listen_addresses", "127.0.0.1").setPort(pgPort)
        .setDataDirectory(dir.resolve("pg")).setCleanDataDirectory(false).start();
  }

  private void stopPostgres() throws IOException {
    postgres.close();
    postgres = null;
  }

  private Future<Gateway> gateway() {
    return Gateways.start("""
        model_list:
          - model_name: chat
            litellm_params: {model: openai/chat, api_base: "%s", api_key: sk-up}
            model_info: {input_cost_per_token: 0.001, output_cost_per_token: 0.002}
        general_settings:
          master_key: %s
          database_url: "postgresql://postgres@127.0.0.1:%d/postgres"
          proxy_batch_write_at: 0.05
          spend_spool_dir: "%s"
        """.formatted(mock.apiBase(), MASTER, pgPort, dir.resolve("spool"))).onSuccess(g -> gateway = g);
  }

  private Future<Void> requests(int count) {
    List<Future<?>> sent = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      sent.add(client.post(gateway.port(), "127.0.0.1", "/v1/chat/completions")
          .putHeader("Authorization", "Bearer " + MASTER)
          .sendJsonObject(Requests.chat("chat").user("hi").build())
          .map(response -> {
            assertEquals(200, response.statusCode(), "spend trouble never fails a request: " + response.bodyAsString());
            return response;
          }));
    }
    return Future.all(sent).mapEmpty();
  }

  /** Rows are recorded after the answer is sent, so wait for the count, not for an empty queue. */
  private Future<Void> written(Vertx vertx, int rows) {
    return Awaits.until(vertx, () -> gateway.accounting().writer().writtenRows() >= rows, 20_000);
  }

  private Future<JsonArray> logs() {
    return client.get(gateway.port(), "127.0.0.1", "/spend/logs").addQueryParam("limit", "1000")
        .putHeader("Authorization", "Bearer " + MASTER).send().map(response -> {
          assertEquals(200, response.statusCode(), response.bodyAsString());
          return response.bodyAsJsonArray();
        });
  }

  private Future<Double> globalSpend() {
    return client.get(gateway.port(), "127.0.0.1", "/global/spend").putHeader("Authorization", "Bearer " + MASTER).send()
        .map(response -> response.bodyAsJsonObject().getDouble("spend"));
  }

  private static Set<String> ids(JsonArray rows) {
    Set<String> ids = new HashSet<>();
    rows.forEach(row -> ids.add(((JsonObject) row).getString("request_id")));
    return ids;
  }

  @Test
  void postgres_stopped_mid_traffic_loses_no_request_and_counts_none_twice(Vertx vertx, VertxTestContext ctx) {
    gateway()
        .compose(g -> requests(20))
        .compose(v -> written(vertx, 20))
        .compose(v -> {
          try {
            stopPostgres();
          } catch (IOException e) {
            return Future.failedFuture(e);
          }
          return requests(30);
        })
        .compose(v -> Awaits.until(vertx, () -> gateway.accounting().writer().pendingRows() == 30, 10_000))
        .compose(v -> {
          ctx.verify(() -> assertTrue(Files.list(dir.resolve("spool")).findAny().isPresent(), "rows wait on disk"));
          try {
            startPostgres();
          } catch (IOException e) {
            return Future.failedFuture(e);
          }
          // Not the count of rows inserted: a batch whose commit raced the outage is replayed, and its rows skipped.
          return Awaits.until(vertx, () -> gateway.accounting().writer().pendingRows() == 0, 20_000)
              .recover(timeout -> Future.failedFuture("spooled rows not written: " + gateway.accounting().writer().pendingRows()
                  + " pending, " + gateway.accounting().writer().writtenRows() + " written"));
        })
        .compose(v -> logs())
        .compose(rows -> {
          ctx.verify(() -> {
            assertEquals(50, rows.size(), "every request has its row");
            assertEquals(50, ids(rows).size(), "each once");
          });
          return globalSpend();
        })
        .onComplete(ctx.succeeding(spend -> ctx.verify(() -> {
          assertEquals(50 * 0.02, spend, 1e-9, "each request's cost counted once");
          ctx.completeNow();
        })));
  }

  @Test
  void rows_spooled_by_a_gateway_that_stopped_are_written_by_the_next_and_a_replayed_row_counts_once(Vertx vertx,
      VertxTestContext ctx) {
    String[] firstId = new String[1];
    gateway()
        .compose(g -> requests(3))
        .compose(v -> written(vertx, 3))
        .compose(v -> logs())
        .compose(rows -> {
          firstId[0] = rows.getJsonObject(0).getString("request_id");
          return gateway.close();
        })
        .compose(closed -> {
          gateway = null;
          // What a gateway killed after Postgres committed a batch, but before it deleted the segment,
          // leaves behind: a row already written, and one that is not.
          SpendRow written = row(firstId[0]);
          SpendRow fresh = row("req-spooled-before-a-crash");
          try {
            Files.createDirectories(dir.resolve("spool"));
            Files.writeString(dir.resolve("spool").resolve("spend-000000000999.jsonl"),
                written.toJson().encode() + "\n" + fresh.toJson().encode() + "\n{\"id\":\"torn");
          } catch (IOException e) {
            return Future.failedFuture(e);
          }
          return gateway();
        })
        .compose(g -> logs())
        .compose(rows -> {
          ctx.verify(() -> {
            assertEquals(4, rows.size(), "the spooled row is written at start, the replayed one skipped");
            assertTrue(ids(rows).contains("req-spooled-before-a-crash"));
          });
          return globalSpend();
        })
        .onComplete(ctx.succeeding(spend -> ctx.verify(() -> {
          assertEquals(4 * 0.02, spend, 1e-9);
          ctx.completeNow();
        })));
  }

  private static SpendRow row(String id) {
    long now = System.currentTimeMillis();
    return new SpendRow(id, null, null, "master", null, null, "chat", "d1", "chat", "openai", 10, 5, 0, 15, 0.02, now,
        now + 5, null, 200, null, false, List.of(), null, List.of(new Charge("proxy", 0)));
  }
}
