package dev.switchboard.spend;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
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
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The one writer of spend rows into Postgres, deployed once as a worker (its file I/O blocks, so it
 * never runs on an event loop). Rows from every event loop are spooled to disk as they arrive, and
 * written in batches every {@code proxy_batch_write_at} seconds or as soon as a batch is full.
 * While Postgres is unreachable rows stay in the spool and the writer retries with backoff; they
 * are written, oldest first, when it is back; the request id makes a replay count each request once.
 * The passes into Postgres are {@link SpendFlusher}'s; each batch goes through {@link SpendBatches},
 * which sets aside a row Postgres refuses for its content rather than retry it forever in front of
 * the others.
 */
public final class SpendWriter extends VerticleBase {

  private static final Logger LOG = Logger.getLogger(SpendWriter.class.getName());
  private static final long STOP_WRITE_SECONDS = 5;
  /** A second chance for rows the disk refused once: they are appended again this often. */
  static final long SPOOL_EVERY_MS = 20;
  private static final int MAX_ROWS_IN_MEMORY = 10_000;
  /** Rows waiting longer than this for Postgres are worth an alert: one WARN per episode. */
  static final long LATE_AFTER_MS = 60_000;

  private final SpendBatches batches;
  private final Path spoolDir;
  private final int batchSize;
  private final long intervalMillis;
  private final Queue<Spooling> incoming = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean drainScheduled = new AtomicBoolean();
  private final AtomicLong written = new AtomicLong();
  private final AtomicLong pending = new AtomicLong();
  private long stopMillis = STOP_WRITE_SECONDS * 1000;
  private volatile Context writerContext;
  private volatile long oldestWaitingMillis;
  private volatile long spooledRows;
  private SpendSpool spool;
  /** Writes the spool's closed segments into Postgres; made at start, with the spool. */
  private SpendFlusher flusher;
  private boolean warnedLate;

  /**
   * @param shared             the gateway's pool, used when {@code ownPools} is null
   * @param ownPools           fresh pools for this writer alone: after a failure it closes its pool and opens another
   * @param deleteReservations the batch also ends the requests' reservations in Postgres (shared budgets)
   */
  public SpendWriter(Pool shared, Supplier<Pool> ownPools, Path spoolDir, int batchSize, double intervalSeconds,
      boolean deleteReservations) {
    this.batches = new SpendBatches(shared, ownPools, deleteReservations, new SpendDeadLetters(spoolDir));
    this.spoolDir = spoolDir;
    this.batchSize = batchSize;
    this.intervalMillis = Math.max(10, Math.round(intervalSeconds * 1000));
  }

  @Override
  public Future<?> start() {
    writerContext = context;
    // Copies kept in memory save reading a segment back; bounded whatever the batch size.
    spool = new SpendSpool(spoolDir, Math.min(batchSize * 4, MAX_ROWS_IN_MEMORY));
    flusher = new SpendFlusher(vertx, spool, batches, spoolDir, batchSize, written, pending,
        this::refreshGauges);
    refreshGauges();
    vertx.setPeriodic(SPOOL_EVERY_MS, tick -> drain());
    vertx.setPeriodic(intervalMillis, tick -> {
      flusher.write();
      warnIfLate();
    });
    // Rows left by an earlier run go in before requests are served, so budgets read them back;
    // if Postgres is not there yet they wait in the spool, and the gateway starts anyway.
    return flusher.write().timeout(STOP_WRITE_SECONDS, TimeUnit.SECONDS).otherwiseEmpty();
  }

  /** A row on its way to the spool, and who waits for it to be there. */
  private record Spooling(SpendRow row, Promise<Void> spooled) {
  }

  /**
   * From any thread: the row is appended to the spool by the writer's thread, which is woken for
   * it unless a wake-up is already on its way (rows arriving meanwhile go in the same append), and
   * written to Postgres with the next batch.
   *
   * @return completed once the row is in the spool file (in the OS's page cache: it survives the
   *     gateway process being killed)
   */
  public Future<Void> offer(SpendRow row) {
    Promise<Void> spooled = Promise.promise();
    incoming.add(new Spooling(row, spooled));
    pending.incrementAndGet();
    if (drainScheduled.compareAndSet(false, true)) {
      writerContext.runOnContext(v -> drain());
    }
    return spooled.future();
  }

  /** How long a stopping gateway may spend writing what is spooled ({@code graceful_shutdown_seconds}, at least 5 s). */
  public SpendWriter stopWithin(double seconds) {
    stopMillis = Math.max(STOP_WRITE_SECONDS * 1000, Math.round(seconds * 1000));
    return this;
  }

  /** Rows accepted and not yet in Postgres (spooled, or waiting for the spool). */
  public long pendingRows() {
    return pending.get();
  }

  /** Rows written into Postgres since start (replays of rows already there not counted). */
  public long writtenRows() {
    return written.get();
  }

  /** Rows in the spool files, those left by an earlier run included once read. */
  public long spooledRows() {
    return spooledRows;
  }

  /** How long the oldest row in the spool has waited for Postgres, in ms (0 when none waits). */
  public long oldestWaitMillis() {
    long oldest = oldestWaitingMillis;
    return oldest == 0 ? 0 : Math.max(0, System.currentTimeMillis() - oldest);
  }

  /** Rows Postgres refused for their content, set aside in the dead-letter file since start. */
  public long quarantinedRows() {
    return batches.setAside();
  }

  private void drain() {
    drainScheduled.set(false);
    List<Spooling> taken = new ArrayList<>();
    for (Spooling next = incoming.poll(); next != null; next = incoming.poll()) {
      taken.add(next);
    }
    if (taken.isEmpty()) {
      return;
    }
    try {
      spool.append(taken.stream().map(Spooling::row).toList());
    } catch (IOException | RuntimeException e) {
      // The disk refused: put them back and retry with the next row or tick rather than drop them.
      LOG.log(Level.SEVERE, "Cannot append to the spend spool " + spoolDir + ": " + e.getMessage()
          + "; rows are kept in memory until it works", e);
      incoming.addAll(taken);
      return;
    }
    taken.forEach(done -> done.spooled().complete());
    refreshGauges();
    if (spool.openRows() >= batchSize) {
      flusher.write();
    }
  }

  private void refreshGauges() {
    spooledRows = spool.pendingRows();
    oldestWaitingMillis = spool.oldestRowMillis();
    if (oldestWaitingMillis == 0) {
      warnedLate = false;
    }
  }

  private void warnIfLate() {
    long waited = oldestWaitMillis();
    if (waited > LATE_AFTER_MS && !warnedLate) {
      warnedLate = true;
      LOG.warning("Spend rows have waited " + waited / 1000 + " s for Postgres (" + spool.pendingRows()
          + " rows in " + spoolDir + "); budgets that read spend from Postgres lag until they are written");
    }
  }

  @Override
  public Future<?> stop() {
    // Every segment, the one just closed included, bounded: what Postgres does not take now stays
    // spooled for the next start.
    drain();
    try {
      spool.close();
    } catch (IOException e) {
      LOG.log(Level.WARNING, "Cannot close the spend spool", e);
    }
    return flusher.writeAll().timeout(stopMillis, TimeUnit.MILLISECONDS).otherwiseEmpty().eventually(batches::close);
  }
}
