package dev.switchboard.bench;

import dev.switchboard.spend.Charge;
import dev.switchboard.spend.SpendRow;
import dev.switchboard.spend.SpendWriter;
import dev.switchboard.store.Database;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.ThreadingModel;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * How many spend rows per second the writer puts into Postgres (the gateway's embedded one, on
 * loopback): {@code ROWS} rows offered as fast as possible, each spooled to disk then written in
 * batches of {@code spend_batch_size} with its budget and key/user/team totals, as in the gateway.
 * Run: {@code java -cp benchmarks/target/benchmarks.jar dev.switchboard.bench.SpendWriterThroughput [rows] [batch]}.
 */
public final class SpendWriterThroughput {

  private SpendWriterThroughput() {
  }

  public static void main(String[] args) throws Exception {
    int rows = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
    int batch = args.length > 1 ? Integer.parseInt(args[1]) : 500;
    Path dir = Files.createTempDirectory("switchboard-spend-bench");
    Vertx vertx = Vertx.vertx();
    Database database = await(Database.open(vertx, null, dir.resolve("pg")));
    try {
      for (int round = 1; round <= 2; round++) {
        SpendWriter writer = new SpendWriter(database.pool(), database.separatePools(1), dir.resolve("spool-" + round),
            batch, 0.2, false);
        String deployment = await(vertx.deployVerticle(writer, new DeploymentOptions().setThreadingModel(ThreadingModel.WORKER)));
        long start = System.nanoTime();
        for (int i = 0; i < rows; i++) {
          writer.offer(row(round + "-" + i, i));
        }
        long offered = System.nanoTime();
        while (writer.writtenRows() < rows) {
          Thread.sleep(5); // a measuring loop on the main thread, not synchronisation of gateway code
        }
        long done = System.nanoTime();
        await(vertx.undeploy(deployment));
        System.out.printf(Locale.ROOT, "round %d: %d rows offered in %.0f ms (%.2f µs each), all in Postgres after %.0f ms: %.0f rows/s (batch %d)%n",
            round, rows, (offered - start) / 1e6, (offered - start) / 1e3 / rows, (done - start) / 1e6,
            rows / ((done - start) / 1e9), batch);
      }
    } finally {
      await(database.close(vertx));
      await(vertx.close());
    }
  }

  private static SpendRow row(String id, int i) {
    long now = System.currentTimeMillis();
    String key = String.format("%064x", i % 50);
    return new SpendRow("bench-" + id, key, "sk-...bench", "alias-" + (i % 50), "user-" + (i % 20), "team-" + (i % 5),
        "bench", "d1", "gpt-4o-mini", "openai", 120, 40, 0, 160, 0.000042, now, now + 250, 80.0, 200, null, true,
        List.of("prod"), null, List.of(new Charge("proxy", 0), new Charge("key:" + key, 0),
            new Charge("user:user-" + (i % 20), 0), new Charge("team:team-" + (i % 5), 0)));
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
  }
}
