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

  private final BlockingQueue<LogRecord> queue = new ArrayBlockingQueue<>(CAPACITY);
  private final AtomicLong dropped = new AtomicLong();
  private final Writer out;
  /** Held while a batch is written: by the logging thread, or by a caller of {@link #flush}. */
  private final Object writing = new Object();
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
    if (!queue.offer(record)) {
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
      batch.clear();
    }
  }

  private void write(List<LogRecord> batch) {
    synchronized (writing) {
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
  }

  private String format(LogRecord record) {
    try {
      return getFormatter().format(record);
    } catch (RuntimeException e) {
      return record.getLevel() + " " + record.getMessage() + System.lineSeparator();
    }
  }

  /** Writes every line queued so far, on the caller's thread. */
  @Override
  public void flush() {
    List<LogRecord> rest = new ArrayList<>();
    synchronized (writing) {
      queue.drainTo(rest);
      write(rest);
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
    flush();
  }

  /** Lines dropped since the last batch (for tests). */
  long dropped() {
    return dropped.get();
  }
}
