package dev.switchboard.spend;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The write passes of a {@link SpendWriter}: owns taking the spool's closed segments, oldest first,
 * into Postgres in batches (through {@link SpendBatches}), one pass in flight at most, and the retry
 * with backoff while Postgres stays away. Used on the writer's context only, so not thread-safe.
 */
final class SpendFlusher {

  // The writer's log category: these are the writer's messages.
  private static final Logger LOG = Logger.getLogger(SpendWriter.class.getName());
  private static final long FIRST_RETRY_MS = 250;
  private static final long MAX_RETRY_MS = 5_000;

  private final Vertx vertx;
  private final SpendSpool spool;
  private final SpendBatches batches;
  private final Path spoolDir;
  private final int batchSize;
  /** The writer's counts: rows written into Postgres, and rows not yet there (lowered per segment). */
  private final AtomicLong written;
  private final AtomicLong pending;
  /** The writer's gauges, read again after each pass and segment. */
  private final Runnable refreshGauges;
  private Future<Void> writing;
  /** Bumped when a write pass ends, so a pass abandoned on timeout stops at its next step. */
  private long pass;
  private boolean failing;
  private long retryMillis = FIRST_RETRY_MS;
  private long retryTimer = -1;

  SpendFlusher(Vertx vertx, SpendSpool spool, SpendBatches batches, Path spoolDir, int batchSize, AtomicLong written,
      AtomicLong pending, Runnable refreshGauges) {
    this.vertx = vertx;
    this.spool = spool;
    this.batches = batches;
    this.spoolDir = spoolDir;
    this.batchSize = batchSize;
    this.written = written;
    this.pending = pending;
    this.refreshGauges = refreshGauges;
  }

  /** Writes closed segments, oldest first, one batch at a time; one pass in flight at most. */
  Future<Void> write() {
    if (writing != null) {
      return writing;
    }
    try {
      if (spool.openRows() > 0 && (!spool.hasClosed() || spool.openRows() >= batchSize)) {
        spool.close();
      }
    } catch (IOException e) {
      LOG.log(Level.SEVERE, "Cannot close a spend spool segment in " + spoolDir + ": " + e.getMessage(), e);
    }
    if (!spool.hasClosed()) {
      return Future.succeededFuture();
    }
    long current = pass;
    // Assigned before the handler is attached: a pass that fails at once (a pool that refuses
    // synchronously) runs the handler right away, and must find `writing` set so it can clear it.
    // Attached in one expression, a stale `writing` stayed behind and stopped the writer for good.
    Future<Void> running = writeSegments(current);
    writing = running;
    running.onComplete(done -> {
      pass++;
      writing = null;
      refreshGauges.run();
      if (done.failed()) {
        failed(done.cause());
      } else {
        retryMillis = FIRST_RETRY_MS;
      }
    });
    return running;
  }

  /** Passes until no segment is left (a pass already in flight does not include the segments closed after it began). */
  Future<Void> writeAll() {
    return write().compose(v -> spool.hasClosed() ? writeAll() : Future.succeededFuture());
  }

  private Future<Void> writeSegments(long current) {
    SpendSpool.Segment oldest = spool.oldest();
    if (oldest == null || current != pass) {
      return Future.succeededFuture();
    }
    List<SpendRow> rows;
    try {
      rows = spool.rows(oldest);
    } catch (IOException e) {
      return Future.failedFuture(e);
    }
    return writeInBatches(rows, 0, current).compose(v -> {
      if (current != pass) {
        return Future.failedFuture("abandoned write pass");
      }
      finished(oldest, rows.size());
      return writeSegments(current);
    });
  }

  private Future<Void> writeInBatches(List<SpendRow> rows, int from, long current) {
    if (from >= rows.size() || current != pass) {
      return Future.succeededFuture();
    }
    List<SpendRow> batch = rows.subList(from, Math.min(rows.size(), from + batchSize));
    return batches.write(batch).compose(inserted -> {
      written.addAndGet(inserted);
      if (failing) {
        failing = false;
        LOG.info("Postgres is back, writing " + spool.pendingRows() + " spooled spend rows");
      }
      return writeInBatches(rows, from + batch.size(), current);
    });
  }

  private void finished(SpendSpool.Segment segment, int rows) {
    try {
      spool.removeOldest();
    } catch (IOException e) {
      LOG.log(Level.WARNING, "Cannot delete a written spend spool segment (its rows are skipped if replayed)", e);
    }
    if (!segment.fromEarlierRun) {
      pending.addAndGet(-rows);
    }
    refreshGauges.run();
  }

  /** Keeps the rows spooled and tries again soon, backing off to {@link #MAX_RETRY_MS} while Postgres stays away. */
  private void failed(Throwable cause) {
    spool.dropCopies();
    batches.reconnect();
    if (!failing) {
      failing = true;
      LOG.warning("Cannot write spend rows to Postgres (" + cause.getClass().getSimpleName() + ": " + cause.getMessage()
          + "); they are kept in " + spoolDir + " and written when it is back");
    }
    if (retryTimer == -1) {
      retryTimer = vertx.setTimer(retryMillis, t -> {
        retryTimer = -1;
        write();
      });
      retryMillis = Math.min(MAX_RETRY_MS, retryMillis * 2);
    }
  }
}
