package dev.switchboard.spend;

import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Rows Postgres refuses for their content, set aside so they never hold up the rows behind them:
 * each is appended to {@code dead-letter.jsonl} beside the spool, with the reason, and counted;
 * the first one is logged, the rest only counted. Used from the spend writer's context only.
 */
final class SpendDeadLetters {

  private static final Logger LOG = Logger.getLogger(SpendDeadLetters.class.getName());
  static final String FILE = "dead-letter.jsonl";

  private final Path file;
  private final AtomicLong count = new AtomicLong();

  SpendDeadLetters(Path spoolDir) {
    this.file = spoolDir.resolve(FILE);
  }

  /**
   * Whether Postgres refused the statement for what the rows hold (data exceptions, constraint
   * violations, program limits such as an over-long index entry) rather than for being unreachable.
   */
  static boolean refusedForContent(Throwable failure) {
    if (!(failure instanceof PgException pg) || pg.getSqlState() == null) {
      return false;
    }
    String state = pg.getSqlState();
    return state.startsWith("22") || state.startsWith("23") || state.startsWith("54");
  }

  /** @param minimalWritten whether the row without its detail (so its cost still counts) is in spend_logs */
  void add(SpendRow row, Throwable refusal, boolean minimalWritten) {
    String reason = refusal.getClass().getSimpleName() + ": " + refusal.getMessage();
    JsonObject line = new JsonObject().put("at", Instant.now().toString()).put("reason", reason)
        .put("counted_in_budgets", minimalWritten).put("row", row.toJson());
    try {
      Files.writeString(file, line.encode() + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
    } catch (IOException e) {
      LOG.log(Level.SEVERE, "Cannot append to " + file + " (" + e.getMessage() + "); the refused spend row "
          + row.requestId() + " is dropped");
    }
    if (count.getAndIncrement() == 0) {
      LOG.warning("Postgres refused spend row " + row.requestId() + " for its content (" + reason + "); it is set aside in "
          + file + (minimalWritten ? " and written without its detail, so budgets still count it" : "")
          + ". Further refused rows go there too, counted in switchboard_spend_rows_quarantined, without a log line.");
    }
  }

  /** Rows set aside since start. */
  long count() {
    return count.get();
  }
}
