package dev.switchboard.log;

import java.time.Instant;
import java.util.Locale;
import java.util.logging.ConsoleHandler;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * One-line console logs through java.util.logging, which Vert.x also uses when no other backend
 * is present, so the gateway adds no logging dependency. Level: {@code --debug}, else
 * {@code SWITCHBOARD_LOG} / {@code LITELLM_LOG} (DEBUG, INFO, WARNING, ERROR), else INFO.
 */
public final class Logs {

  public static final String ROOT = "dev.switchboard";
  /** java.util.logging keeps loggers weakly: a level set on one nobody holds is lost at the next GC. */
  private static final java.util.List<Logger> CONFIGURED = new java.util.concurrent.CopyOnWriteArrayList<>();

  private Logs() {
  }

  public static void configure(boolean debug) {
    Level level = debug ? Level.FINE : levelFromEnv();
    Logger root = Logger.getLogger("");
    for (Handler handler : root.getHandlers()) {
      root.removeHandler(handler);
    }
    Handler console = new ConsoleHandler();
    console.setLevel(Level.ALL);
    console.setFormatter(new OneLineFormatter());
    root.addHandler(console);
    root.setLevel(Level.INFO);
    hold(ROOT, level);
    // Netty internals only speak up when something is wrong.
    hold("io.netty", Level.WARNING);
    // The embedded database narrates every start (initdb, postmaster); its warnings still show.
    hold("io.zonky", Level.WARNING);
  }

  private static void hold(String name, Level level) {
    Logger logger = Logger.getLogger(name);
    logger.setLevel(level);
    CONFIGURED.add(logger);
  }

  private static Level levelFromEnv() {
    String value = System.getenv("SWITCHBOARD_LOG");
    if (value == null) {
      value = System.getenv("LITELLM_LOG");
    }
    if (value == null) {
      return Level.INFO;
    }
    return switch (value.trim().toUpperCase(Locale.ROOT)) {
      case "DEBUG" -> Level.FINE;
      case "WARNING", "WARN" -> Level.WARNING;
      case "ERROR", "CRITICAL" -> Level.SEVERE;
      default -> Level.INFO;
    };
  }

  private static final class OneLineFormatter extends Formatter {
    @Override
    public String format(LogRecord record) {
      StringBuilder line = new StringBuilder(160)
          .append(Instant.ofEpochMilli(record.getMillis()))
          .append(' ').append(levelName(record.getLevel()))
          .append(' ').append(shortName(record.getLoggerName()))
          .append(" - ").append(formatMessage(record));
      if (record.getThrown() != null) {
        // Unexpected failures keep their trace for the operator; expected ones never carry one.
        java.io.StringWriter trace = new java.io.StringWriter();
        record.getThrown().printStackTrace(new java.io.PrintWriter(trace));
        line.append(System.lineSeparator()).append(trace);
      }
      return line.append(System.lineSeparator()).toString();
    }

    private static String levelName(Level level) {
      if (level.intValue() >= Level.SEVERE.intValue()) {
        return "ERROR";
      }
      if (level.intValue() >= Level.WARNING.intValue()) {
        return "WARN ";
      }
      if (level.intValue() >= Level.INFO.intValue()) {
        return "INFO ";
      }
      return "DEBUG";
    }

    private static String shortName(String name) {
      if (name == null) {
        return "-";
      }
      int dot = name.lastIndexOf('.');
      return dot < 0 ? name : name.substring(dot + 1);
    }
  }
}
