package dev.switchboard.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The console handler writes off the caller's thread, in order, everything by close, and never makes a caller wait. */
class BackgroundConsoleTest {

  private static LogRecord line(int i) {
    LogRecord record = new LogRecord(Level.INFO, "line " + i);
    record.setLoggerName("dev.switchboard.test");
    return record;
  }

  private static BackgroundConsole console(OutputStream out) {
    BackgroundConsole console = new BackgroundConsole(out);
    console.setFormatter(Logs.formatter(false));
    return console;
  }

  @Test
  void every_line_is_written_in_order_by_the_time_it_is_closed() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    BackgroundConsole console = console(out);
    for (int i = 0; i < 5_000; i++) {
      console.publish(line(i));
    }
    console.close();
    String[] lines = out.toString(StandardCharsets.UTF_8).split(System.lineSeparator());
    assertEquals(5_000, lines.length);
    for (int i = 0; i < lines.length; i++) {
      assertTrue(lines[i].endsWith(" - line " + i), lines[i]);
    }
  }

  /** A flush returns once the lines before it are out, in order, while the logging thread keeps writing. */
  @Test
  void a_flush_returns_with_every_earlier_line_written_in_order() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    BackgroundConsole console = console(out);
    int sent = 0;
    for (int round = 0; round < 200; round++) {
      for (int i = 0; i < 25; i++) {
        console.publish(line(sent++));
      }
      console.flush();
      String[] lines;
      synchronized (out) { // ByteArrayOutputStream writes under its own lock
        lines = out.toString(StandardCharsets.UTF_8).split(System.lineSeparator());
      }
      assertTrue(lines.length >= sent, "round " + round + ": " + lines.length + " of " + sent + " lines written");
      for (int i = 0; i < sent; i++) {
        assertTrue(lines[i].endsWith(" - line " + i), lines[i]);
      }
    }
    console.close();
  }

  /** Times out (failing) if a caller ever waits for the console. */
  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void a_console_that_cannot_keep_up_costs_callers_nothing_and_the_lost_lines_are_counted() throws Exception {
    CountDownLatch stuck = new CountDownLatch(1);
    ByteArrayOutputStream written = new ByteArrayOutputStream();
    OutputStream slow = new OutputStream() {
      @Override
      public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        try {
          stuck.await(); // the terminal is stuck until the test lets it go
        } catch (InterruptedException e) {
          throw new IOException(e);
        }
        written.write(b, off, len);
      }
    };
    BackgroundConsole console = console(slow);
    int sent = BackgroundConsole.CAPACITY * 3;
    for (int i = 0; i < sent; i++) {
      console.publish(line(i));
    }
    assertTrue(console.dropped() > 0, "lines beyond the queue were dropped, not waited for");
    stuck.countDown();
    console.close();
    String text = written.toString(StandardCharsets.UTF_8);
    Matcher dropped = Pattern.compile("Switchboard dropped (\\d+) log lines").matcher(text);
    long counted = 0;
    while (dropped.find()) {
      counted += Long.parseLong(dropped.group(1));
    }
    assertTrue(counted > 0, "the loss is reported in the log itself");
    long lines = text.lines().filter(l -> l.contains(" - line ")).count();
    assertEquals(sent, lines + counted, "every line was either written or counted");
  }
}
