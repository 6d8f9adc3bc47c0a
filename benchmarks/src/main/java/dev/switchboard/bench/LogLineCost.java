package dev.switchboard.bench;

import dev.switchboard.log.Logs;
import io.vertx.core.json.JsonObject;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.logging.ConsoleHandler;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * What the per-request spend line costs, written to a real file descriptor (/dev/null): the CPU the
 * logging thread of a request (an event loop) spends per line, and the whole process's (a
 * background writer included), for the shipped console handler, java.util.logging's synchronous
 * ConsoleHandler (what the gateway used before), and logging off (WARNING).
 * {@code java -cp benchmarks/target/benchmarks.jar dev.switchboard.bench.LogLineCost}
 */
public final class LogLineCost {

  private static final int LINES = 200_000;
  private static final Logger SPEND = Logger.getLogger("dev.switchboard.spend.SpendLogVerticle");

  private LogLineCost() {
  }

  /** /dev/null, counting the lines that reach it. */
  private static final class CountingNull extends FileOutputStream {
    final AtomicLong lines = new AtomicLong();

    CountingNull() throws IOException {
      super("/dev/null");
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      int newlines = 0;
      for (int i = off; i < off + len; i++) {
        if (b[i] == '\n') {
          newlines++;
        }
      }
      lines.addAndGet(newlines);
      super.write(b, off, len);
    }
  }

  private static CountingNull sink;

  public static void main(String[] args) throws IOException {
    PrintStream original = System.err;
    sink = new CountingNull();
    System.setErr(new PrintStream(sink, false));
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    com.sun.management.OperatingSystemMXBean os =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    for (int round = 1; round <= 2; round++) {
      for (String mode : new String[] {"shipped (background console)", "synchronous ConsoleHandler", "off (WARNING)"}) {
        configure(mode);
        emit(LINES); // warm-up
        Logs.configure(Level.INFO, false, false); // closing the last handler writes what it queued
        configure(mode);
        long written = sink.lines.get();
        long thread = threads.getCurrentThreadCpuTime();
        long process = os.getProcessCpuTime();
        emit(LINES);
        long callerNs = threads.getCurrentThreadCpuTime() - thread;
        Logs.configure(Level.WARNING, false, false); // closes (flushes) the measured handler
        long processNs = os.getProcessCpuTime() - process;
        long lines = mode.startsWith("off") ? LINES : Math.max(1, sink.lines.get() - written);
        original.printf("round %d, %-30s caller %.2f us per line, process %.2f us per line written (%d of %d written)%n",
            round, mode + ":", callerNs / 1e3 / LINES, processNs / 1e3 / lines, mode.startsWith("off") ? 0 : lines, LINES);
      }
    }
    System.setErr(original);
  }

  private static void configure(String mode) {
    if (mode.startsWith("off")) {
      Logs.configure(Level.WARNING, false, false);
    } else if (mode.startsWith("shipped")) {
      Logs.configure(Level.INFO, false, false);
    } else {
      Logs.configure(Level.INFO, false, false);
      Logger root = Logger.getLogger("");
      for (Handler handler : root.getHandlers()) {
        root.removeHandler(handler);
        handler.close();
      }
      Handler console = new ConsoleHandler();
      console.setFormatter(Logs.formatter(false));
      root.addHandler(console);
    }
  }

  /**
   * Lines shaped like the gateway's spend line, in bursts of 4,096 (a quarter of the background
   * console's queue) with a pause for the console to catch up, as between a gateway's requests.
   */
  private static void emit(int lines) {
    for (int i = 0; i < lines; i++) {
      if (i % 4_096 == 0) {
        LockSupport.parkNanos(20_000_000);
      }
      String requestId = "req-" + i;
      long start = System.currentTimeMillis();
      Logs.event(SPEND, Level.INFO, requestId, "spend", () -> new JsonObject().put("event", "spend")
          .put("model", "gpt-4o-mini").put("key_alias", "team-a-key").put("status", 200).put("stream", false)
          .put("prompt_tokens", 12).put("completion_tokens", 34).put("total_tokens", 46).put("cost_usd", 0.0000123)
          .put("start_time", Instant.ofEpochMilli(start).toString()).put("duration_ms", 1.234)
          .put("deployment", "d1").put("provider", "openai"));
    }
  }
}
