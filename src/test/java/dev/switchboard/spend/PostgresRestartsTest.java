package dev.switchboard.spend;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.switchboard.Gateway;
import dev.switchboard.testing.Awaits;
import dev.switchboard.testing.Gateways;
import dev.switchboard.testing.KillablePostgres;
import dev.switchboard.testing.MockProvider;
import dev.switchboard.testing.SteadyTraffic;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The spend writer comes back from any Postgres restart: the postmaster and its children are
 * killed with SIGKILL under steady traffic and started again, several times; after each restart
 * writing resumes, and at the end every answered request has its row, once.
 */
@Tag("slow")
@ExtendWith(VertxExtension.class)
class PostgresRestartsTest {

  private static final String MASTER = "sk-master-restarts";
  private static final int CYCLES = 6;

  @TempDir
  Path dir;

  private KillablePostgres postgres;
  private MockProvider mock;
  private WebClient client;
  private Gateway gateway;

  @BeforeEach
  void start(Vertx vertx, VertxTestContext ctx) {
    client = WebClient.create(vertx);
    mock = new MockProvider(vertx);
    vertx.executeBlocking(() -> postgres = KillablePostgres.start(dir))
        .compose(pg -> mock.start())
        .onComplete(ctx.succeedingThenComplete());
  }

  @AfterEach
  void stop(Vertx vertx, VertxTestContext ctx) {
    client.close();
    (gateway == null ? Future.<Void>succeededFuture() : gateway.close()).eventually(mock::stop)
        .eventually(() -> vertx.executeBlocking(() -> {
          if (postgres != null) {
            postgres.close();
          }
          return null;
        }))
        .onComplete(ctx.succeedingThenComplete());
  }

  private Future<Gateway> gateway() {
    return Gateways.start(postgres.gatewayConfig(mock.apiBase(), MASTER, dir.resolve("spool"))).onSuccess(g -> gateway = g);
  }

  private SpendWriter writer() {
    return gateway.accounting().writer();
  }

  /** One outage: rows pile up while Postgres is dead; after it is back, all rows answered before it returned are written. */
  private Future<Void> cycle(Vertx vertx, SteadyTraffic traffic, int n) {
    int before = traffic.answered();
    return Awaits.until(vertx, () -> traffic.answered() >= before + 30, 30_000)
        .compose(v -> vertx.executeBlocking(() -> {
          postgres.kill();
          return null;
        }))
        .compose(v -> {
          int atKill = traffic.answered();
          return Awaits.until(vertx, () -> traffic.answered() >= atKill + 30, 30_000);
        })
        .compose(v -> vertx.executeBlocking(() -> {
          postgres.restart();
          return traffic.answered();
        }))
        .compose(answeredAtRestart -> Awaits.until(vertx, () -> writer().writtenRows() >= answeredAtRestart, 60_000)
            .recover(timeout -> Future.failedFuture(new AssertionError("writing did not resume after restart " + n
                + ": " + writer().writtenRows() + " rows written, " + answeredAtRestart + " answered before the restart, "
                + writer().pendingRows() + " pending"))));
  }

  @Test
  @Timeout(value = 5, timeUnit = TimeUnit.MINUTES)
  void writing_resumes_after_every_postgres_sigkill_and_every_answered_request_has_its_row(Vertx vertx,
      VertxTestContext ctx) {
    SteadyTraffic[] traffic = new SteadyTraffic[1];
    Future<Void> cycles = gateway().map(g -> {
      traffic[0] = new SteadyTraffic(client, g.port(), MASTER).start(4);
      return null;
    });
    for (int i = 1; i <= CYCLES; i++) {
      int n = i;
      cycles = cycles.compose(v -> cycle(vertx, traffic[0], n));
    }
    cycles.compose(v -> traffic[0].stop())
        .compose(v -> Awaits.until(vertx, () -> writer().pendingRows() == 0, 60_000)
            .recover(timeout -> Future.failedFuture(new AssertionError("rows still pending at the end: "
                + writer().pendingRows()))))
        .compose(v -> rowsInPostgres(vertx))
        .onComplete(ctx.succeeding(rows -> ctx.verify(() -> {
          assertEquals(traffic[0].answered(), rows, "one row per answered request " + traffic[0].byStatus());
          ctx.completeNow();
        })));
  }

  private Future<Long> rowsInPostgres(Vertx vertx) {
    Pool pool = PgBuilder.pool().connectingTo(new PgConnectOptions().setHost("127.0.0.1").setPort(postgres.port())
        .setDatabase("postgres").setUser("postgres")).using(vertx).build();
    return pool.query("SELECT count(*) FROM spend_logs").execute()
        .map(rows -> rows.iterator().next().getLong(0))
        .eventually(pool::close);
  }
}
