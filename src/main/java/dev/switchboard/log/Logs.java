package dev.switchboard.log;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Console logs through java.util.logging, which Vert.x also uses when no other backend is present,
 * so the gateway adds no logging dependency. One line per record: plain text by default, one JSON
 * object with {@code --json-logs} or {@code litellm_settings.json_logs}. A line about a request
 * carries its id ({@link #request}); every line is passed through the {@link Redactor}. Level:
 * {@code --debug}, else {@code SWITCHBOARD_LOG} / {@code LITELLM_LOG} (DEBUG, INFO, WARNING,
 * ERROR), else INFO.
 */
public final class Logs {

  public static final String ROOT = "dev.switchboard";
  /** java.util.logging keeps loggers weakly: a level set on one nobody holds is lost at the next GC. */
  private static final List<Logger> CONFIGURED = new CopyOnWriteArrayList<>();

  /**
   * What a line about one request carries besides its message: the request id and, optionally,
   * fields, worked out when the line is written (on the logging thread, not the event loop).
   */
  public record Context(String requestId, Supplier<JsonObject> lazyFields) {

    JsonObject fields() {
      return lazyFields == null ? null : lazyFields.get();
    }
  }

  private Logs() {
  }

  /** Plain text at the level the environment asks for (or DEBUG). */
  public static void configure(boolean debug) {
    configure(debug ? Level.FINE : levelFromEnv(), false, false);
  }

  /**
   * @param level          the gateway's level
   * @param json           one JSON object per line
   * @param detailed       {@code --detailed_debug}: Vert.x and Netty at DEBUG too
   */
  public static void configure(Level level, boolean json, boolean detailed) {
    Logger root = Logger.getLogger("");
    for (Handler handler : root.getHandlers()) {
      root.removeHandler(handler);
      if (handler instanceof BackgroundConsole replaced) {
        replaced.close();
      }
    }
    Handler console = new BackgroundConsole(System.err);
    console.setLevel(Level.ALL);
    console.setFormatter(formatter(json));
    root.addHandler(console);
    root.setLevel(Level.INFO);
    CONFIGURED.clear();
    hold(ROOT, level);
    // Netty internals only speak up when something is wrong, unless asked for everything.
    hold("io.netty", detailed ? Level.FINE : Level.WARNING);
    hold("io.vertx", detailed ? Level.FINE : Level.INFO);
    // Vert.x registers an event-bus gauge once per handler, and every stage has a handler per event
    // loop on one address: Micrometer keeps the first and warns about the rest, which is expected.
    hold("io.micrometer.core.instrument.MeterRegistry", Level.SEVERE);
    // The embedded database narrates every start (initdb, postmaster); its warnings still show.
    hold("io.zonky", Level.WARNING);
  }

  /** The line format: JSON objects or plain text. */
  public static Formatter formatter(boolean json) {
    return json ? new JsonFormatter() : new TextFormatter();
  }

  /** The level {@code SWITCHBOARD_LOG} / {@code LITELLM_LOG} ask for, INFO when neither is set. */
  public static Level levelFromEnv() {
    String value = System.getenv("SWITCHBOARD_LOG");
    if (value == null) {
      value = System.getenv("LITELLM_LOG");
    }
    return value == null ? Level.INFO : level(value);
  }

  static Level level(String value) {
    return switch (value.trim().toUpperCase(Locale.ROOT)) {
      case "DEBUG" -> Level.FINE;
      case "WARNING", "WARN" -> Level.WARNING;
      case "ERROR", "CRITICAL" -> Level.SEVERE;
      default -> Level.INFO;
    };
  }

  private static void hold(String name, Level level) {
    Logger logger = Logger.getLogger(name);
    logger.setLevel(level);
    CONFIGURED.add(logger);
  }

  /** Logs a line about request {@code requestId}. */
  public static void request(Logger logger, Level level, String requestId, String message, Throwable thrown) {
    log(logger, level, message, requestId, null, thrown);
  }

  /**
   * Logs a structured event about request {@code requestId}: its fields become the line's (JSON) or
   * follow it (text). They are worked out when the line is written, off the event loop, so
   * {@code fields} must read only what does not change.
   */
  public static void event(Logger logger, Level level, String requestId, String event, Supplier<JsonObject> fields) {
    log(logger, level, event, requestId, fields, null);
  }

  private static void log(Logger logger, Level level, String message, String requestId, Supplier<JsonObject> fields,
      Throwable thrown) {
    if (!logger.isLoggable(level)) {
      return;
    }
    LogRecord record = new LogRecord(level, message);
    record.setLoggerName(logger.getName());
    record.setParameters(new Object[] {new Context(requestId, fields)});
    record.setThrown(thrown);
    logger.log(record);
  }

  private static Context context(LogRecord record) {
    Object[] parameters = record.getParameters();
    return parameters != null && parameters.length == 1 && parameters[0] instanceof Context c ? c : null;
  }

  private static String trace(Throwable thrown) {
    java.io.StringWriter trace = new java.io.StringWriter();
    thrown.printStackTrace(new java.io.PrintWriter(trace));
    return trace.toString();
  }

  private static final class TextFormatter extends Formatter {
    @Override
    public String format(LogRecord record) {
      Context context = context(record);
      StringBuilder line = new StringBuilder(160)
          .append(Instant.ofEpochMilli(record.getMillis()))
          .append(' ').append(padded(levelName(record.getLevel())))
          .append(' ').append(shortName(record.getLoggerName()));
      if (context != null && context.requestId() != null) {
        line.append(" [").append(context.requestId()).append(']');
      }
      line.append(" - ").append(Redactor.redact(message(this, record)));
      JsonObject fields = context == null ? null : context.fields();
      if (fields != null) {
        line.append(' ').append(fields.encode());
      }
      if (record.getThrown() != null) {
        // Unexpected failures keep their trace for the operator; expected ones never carry one.
        line.append(System.lineSeparator()).append(Redactor.redact(trace(record.getThrown())));
      }
      return line.append(System.lineSeparator()).toString();
    }
  }

  private static final class JsonFormatter extends Formatter {
    @Override
    public String format(LogRecord record) {
      Context context = context(record);
      JsonObject line = new JsonObject()
          .put("timestamp", Instant.ofEpochMilli(record.getMillis()).toString())
          .put("level", levelName(record.getLevel()))
          .put("logger", shortName(record.getLoggerName()))
          .put("message", Redactor.redact(message(this, record)));
      if (context != null) {
        if (context.requestId() != null) {
          line.put("request_id", context.requestId());
        }
        JsonObject fields = context.fields();
        if (fields != null) {
          fields.forEach(field -> line.put(field.getKey(), field.getValue()));
        }
      }
      if (record.getThrown() != null) {
        line.put("stacktrace", Redactor.redact(trace(record.getThrown())));
      }
      return line.encode() + System.lineSeparator();
    }
  }

  /** The message as given: parameters here are context, not MessageFormat arguments. */
  private static String message(Formatter formatter, LogRecord record) {
    if (context(record) != null) {
      return String.valueOf(record.getMessage());
    }
    return formatter.formatMessage(record);
  }

  static String levelName(Level level) {
    if (level.intValue() >= Level.SEVERE.intValue()) {
      return "ERROR";
    }
    if (level.intValue() >= Level.WARNING.intValue()) {
      return "WARNING";
    }
    if (level.intValue() >= Level.INFO.intValue()) {
      return "INFO";
    }
    return "DEBUG";
  }

  private static String padded(String level) {
    return level.equals("WARNING") ? "WARN " : String.format("%-5s", level);
  }

  private static String shortName(String name) {
    if (name == null) {
      return "-";
    }
    int dot = name.lastIndexOf('.');
    return dot < 0 ? name : name.substring(dot + 1);
  }
}
