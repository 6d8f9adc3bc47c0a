package dev.switchboard.spend;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.sqlclient.Pool;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The one writer of spend rows into Postgres, deployed once as a worker (its file I/O blocks, so it
 * never runs on an event loop). Rows from every event loop are spooled to disk as they arrive, and
 * written in batches every {@code proxy_batch_write_at} seconds or as soon as a batch is full.
 * While Postgres is unreachable rows stay in the spool; they are written, oldest first, when it is
 * back; the request id makes a replay count each request once.
 */
public final class SpendWriter extends VerticleBase {

  private static final Logger LOG = Logger.getLogger(SpendWriter.class.getName());
  private static final long STOP_WRITE_SECONDS = 5;
  /** How long a row may wait in memory before it is on disk (all a gateway killed outright can lose). */
  static final long SPOOL_EVERY_MS = 20;
  private static final int MAX_ROWS_IN_MEMORY = 10_000;

  private final Pool pool;
  private final Path spoolDir;
  private final int batchSize;
  private final long intervalMillis;
  private final boolean deleteReservations;
  private final Queue<SpendRow> incoming = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean drainScheduled = new AtomicBoolean();
  private final AtomicInteger queued = new AtomicInteger();
  private final AtomicLong written = new AtomicLong();
  private final AtomicLong pending = new AtomicLong();
  private volatile Context writerContext;
  private SpendSpool spool;
  private Future<Void> writing;
  private boolean failing;

  /**
   * @param deleteReservations the batch also ends the requests' reservations in Postgres (shared budgets)
   */
  public SpendWriter(Pool pool, Path spoolDir, int batchSize, double intervalSeconds, boolean deleteReservations) {
    this.pool = pool;
    this.spoolDir = spoolDir;
    this.batchSize = batchSize;
    this.intervalMillis = Math.max(10, Math.round(intervalSeconds * 1000));
    this.deleteReservations = deleteReservations;
  }

  @Override
  public Future<?> start() {
    writerContext = context;
    // Copies kept in memory save reading a segment back; bounded whatever the batch size.
    spool = new SpendSpool(spoolDir, Math.min(batchSize * 4, MAX_ROWS_IN_MEMORY));
    vertx.setPeriodic(SPOOL_EVERY_MS, tick -> drain());
    vertx.setPeriodic(intervalMillis, tick -> write());
    // Rows left by an earlier run go in before requests are served, so budgets read them back;
    // if Postgres is not there yet they wait in the spool, and the gateway starts anyway.
    return write().timeout(STOP_WRITE_SECONDS, TimeUnit.SECONDS).otherwiseEmpty();
  }

  /**
   * From any thread: the row is spooled within {@link #SPOOL_EVERY_MS} and written with the next
   * batch. The writer is woken early only for a full batch, so a busy gateway pays one thread
   * wake-up per batch, not one per request.
   */
  public void offer(SpendRow row) {
    incoming.add(row);
    pending.incrementAndGet();
    if (queued.incrementAndGet() >= batchSize && drainScheduled.compareAndSet(false, true)) {
      writerContext.runOnContext(v -> drain());
    }
  }

  /** Rows accepted and not yet in Postgres (spooled, or waiting for the spool). */
  public long pendingRows() {
    return pending.get();
  }

  /** Rows written into Postgres since start (replays of rows already there not counted). */
  public long writtenRows() {
    return written.get();
  }

  private void drain() {
    drainScheduled.set(false);
    List<SpendRow> rows = new ArrayList<>();
    for (SpendRow row = incoming.poll(); row != null; row = incoming.poll()) {
      rows.add(row);
    }
    queued.addAndGet(-rows.size());
    if (rows.isEmpty()) {
      return;
    }
    try {
      spool.append(rows);
    } catch (IOException e) {
      // The disk refused: put them back and retry with the next row or tick rather than drop them.
      LOG.log(Level.SEVERE, "Cannot append to the spend spool " + spoolDir + ": " + e.getMessage()
          + "; rows are kept in memory until it works", e);
      incoming.addAll(rows);
      return;
    }
    if (spool.openRows() >= batchSize) {
      write();
    }
  }

  /** Writes closed segments, oldest first, one batch at a time; one pass in flight at most. */
  private Future<Void> write() {
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
    writing = writeSegments().onComplete(done -> {
      writing = null;
      if (done.failed()) {
        failed(done.cause());
      }
    });
    return writing;
  }

  private Future<Void> writeSegments() {
    SpendSpool.Segment oldest = spool.oldest();
    if (oldest == null) {
      return Future.succeededFuture();
    }
    List<SpendRow> rows;
    try {
      rows = spool.rows(oldest);
    } catch (IOException e) {
      return Future.failedFuture(e);
    }
    return writeInBatches(rows, 0).compose(v -> {
      finished(oldest, rows.size());
      return writeSegments();
    });
  }

  private Future<Void> writeInBatches(List<SpendRow> rows, int from) {
    if (from >= rows.size()) {
      return Future.succeededFuture();
    }
    List<SpendRow> batch = rows.subList(from, Math.min(rows.size(), from + batchSize));
    return pool.withTransaction(tx -> SpendSql.write(tx, batch, deleteReservations))
        .compose(inserted -> {
          written.addAndGet(inserted);
          return writeInBatches(rows, from + batch.size());
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
    if (failing) {
      failing = false;
      LOG.info("Postgres is back: spooled spend rows are being written");
    }
  }

  private void failed(Throwable cause) {
    spool.dropCopies();
    if (!failing) {
      failing = true;
      LOG.warning("Cannot write spend rows to Postgres (" + cause.getClass().getSimpleName() + ": " + cause.getMessage()
          + "); they are kept in " + spoolDir + " and written when it is back");
    }
  }

  @Override
  public Future<?> stop() {
    // One last write, bounded: whatever Postgres does not take now stays spooled for the next start.
    drain();
    try {
      spool.close();
    } catch (IOException e) {
      LOG.log(Level.WARNING, "Cannot close the spend spool", e);
    }
    return write().timeout(STOP_WRITE_SECONDS, TimeUnit.SECONDS).otherwiseEmpty();
  }
}
