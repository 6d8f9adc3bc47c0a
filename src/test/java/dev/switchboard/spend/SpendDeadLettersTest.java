package dev.switchboard.spend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.store.Database;
import dev.switchboard.testing.Awaits;
import dev.switchboard.testing.TestDatabase;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.ThreadingModel;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A row Postgres refuses for its content is set aside in the dead-letter file, with the reason,
 * and counted; the rows around it, in the same batch, are written all the same.
 */
@ExtendWith(VertxExtension.class)
class SpendDeadLettersTest {

  @TempDir
  Path dir;

  @Test
  void a_row_postgres_refuses_goes_to_the_dead_letter_file_and_holds_up_no_other(Vertx vertx, VertxTestContext ctx) {
    Database[] database = new Database[1];
    SpendWriter[] writer = new SpendWriter[1];
    Database.open(vertx, TestDatabase.newDatabaseUrl(), dir.resolve("unused"))
        .compose(db -> {
          database[0] = db;
          writer[0] = new SpendWriter(db.pool(), db.separatePools(1), dir.resolve("spool"), 500, 0.05, false);
          return vertx.deployVerticle(writer[0], new DeploymentOptions().setThreadingModel(ThreadingModel.WORKER));
        })
        .compose(deployed -> Future.all(List.of(writer[0].offer(row("ok-1")), writer[0].offer(row("ok-2")),
            // No request id: the primary key refuses it (not null), whatever is tried.
            writer[0].offer(row(null)), writer[0].offer(row("ok-3")), writer[0].offer(row("ok-4")))))
        .compose(spooled -> Awaits.until(vertx, () -> writer[0].writtenRows() == 4 && writer[0].quarantinedRows() == 1,
            20_000).recover(timeout -> Future.failedFuture(new AssertionError(writer[0].writtenRows() + " written, "
                + writer[0].quarantinedRows() + " set aside"))))
        .compose(v -> database[0].pool().query("SELECT count(*) FROM spend_logs").execute())
        .eventually(() -> database[0] == null ? Future.succeededFuture() : database[0].close(vertx))
        .onComplete(ctx.succeeding(count -> ctx.verify(() -> {
          assertEquals(4L, count.iterator().next().getLong(0));
          List<String> lines = Files.readAllLines(dir.resolve("spool").resolve(SpendDeadLetters.FILE));
          assertEquals(1, lines.size(), "one dead letter: " + lines);
          JsonObject letter = new JsonObject(lines.get(0));
          assertTrue(letter.getString("reason").contains("null"), letter.encode());
          assertFalse(letter.getBoolean("counted_in_budgets"), "even without its detail it has no id");
          assertEquals(0.02, letter.getJsonObject("row").getDouble("spend"));
          ctx.completeNow();
        })));
  }

  private static SpendRow row(String id) {
    long now = System.currentTimeMillis();
    return new SpendRow(id, null, null, "alias", null, null, "chat", "d1", "chat", "openai", 10, 5, 0, 15, 0.02, now,
        now + 5, null, 200, null, false, List.of(), null, List.of(new Charge("proxy", 0)));
  }
}
