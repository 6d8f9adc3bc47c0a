package dev.switchboard.log;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.ErrorManager;
import java.util.logging.Handler;
import java.util.logging.LogRecord;

/**
 * The console handler: a logging thread (an event loop never does) formats the records and writes
 * them to stderr in batches, one write and flush per batch rather than per line. A record is only
 * queued where it is logged, so a request's log line costs its event loop about a microsecond. The
 * queue is bounded: when the console cannot keep up, lines are dropped and counted, and the count
 * is written as soon as there is room, instead of stalling requests. Closing (the JVM's shutdown
 * included) writes what is queued.
 */
final class BackgroundConsole extends Handler {

  static final int CAPACITY = 16_384;
  private static final int BATCH = 1_024;
  private static final long FLUSH_WAIT_MS = 5_000;

  private final BlockingQueue<LogRecord> queue = new ArrayBlockingQueue<>(CAPACITY);
  private final AtomicLong dropped = new AtomicLong();
  /** Records accepted into the queue, and records the logging thread has written (guarded by {@code progress}). */
  private final AtomicLong accepted = new AtomicLong();
  private long written;
  private final Object progress = new Object();
  private final Writer out;
  private final Thread writer;
  private volatile boolean closed;

  BackgroundConsole(OutputStream stream) {
    this.out = new BufferedWriter(new OutputStreamWriter(stream, StandardCharsets.UTF_8), 64 * 1024);
    this.writer = new Thread(this::run, "switchboard-log");
    writer.setDaemon(true);
    writer.start();
  }

  @Override
  public void publish(LogRecord record) {
    if (closed || !isLoggable(record)) {
      return;
    }
    if (queue.offer(record)) {
      accepted.incrementAndGet();
    } else {
      dropped.incrementAndGet();
    }
  }

  private void run() {
    List<LogRecord> batch = new ArrayList<>(BATCH);
    while (!closed) {
      try {
        batch.add(queue.take());
      } catch (InterruptedException e) {
        return;
      }
      queue.drainTo(batch, BATCH - 1);
      write(batch);
      synchronized (progress) {
        written += batch.size();
        progress.notifyAll();
      }
      batch.clear();
    }
  }

  private void write(List<LogRecord> batch) {
    try {
      for (LogRecord record : batch) {
        out.write(format(record));
      }
      long lost = dropped.getAndSet(0);
      if (lost > 0) {
        out.write("Switchboard dropped " + lost + " log lines: the console could not keep up" + System.lineSeparator());
      }
      out.flush();
    } catch (IOException | RuntimeException e) {
      reportError("Cannot write the log", e, ErrorManager.WRITE_FAILURE);
    }
  }

  private String format(LogRecord record) {
    try {
      return getFormatter().format(record);
    } catch (RuntimeException e) {
      return record.getLevel() + " " + record.getMessage() + System.lineSeparator();
    }
  }

  /**
   * Waits (at most {@link #FLUSH_WAIT_MS}) until the logging thread has written every line queued
   * before this call. Only that thread writes while it runs, which is what keeps lines in order.
   */
  @Override
  public void flush() {
    long target = accepted.get();
    long deadline = System.nanoTime() + FLUSH_WAIT_MS * 1_000_000L;
    synchronized (progress) {
      long left;
      while (written < target && writer.isAlive() && (left = deadline - System.nanoTime()) > 0) {
        try {
          progress.wait(Math.max(1, left / 1_000_000L));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  @Override
  public void close() {
    flush();
    closed = true;
    writer.interrupt();
    try {
      writer.join(1_000); // a batch it had already taken is written too
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (!writer.isAlive()) { // now the only writer: whatever raced in after the flush
      List<LogRecord> rest = new ArrayList<>();
      queue.drainTo(rest);
      write(rest);
    }
  }

  /** Lines dropped since the last batch (for tests). */
  long dropped() {
    return dropped.get();
  }
}
