package dev.switchboard.cli;

import java.nio.file.Path;

/**
 * The command line, as LiteLLM's proxy takes it, plus {@code doctor}.
 *
 * @param doctor        {@code switchboard doctor}: check the config and what it points at, then exit
 * @param offline       doctor: do not probe the providers
 * @param json          doctor: print the report as JSON
 * @param detailedDebug {@code --detailed_debug}: Vert.x and Netty at DEBUG too
 * @param cluster       {@code --cluster}: join the other gateways
 * @param idleGcThreads {@code --idle-gc-threads}: the concurrent GC threads at SCHED_IDLE (see IdleGcThreads)
 * @param warmupSeconds {@code --warmup-seconds}: how long the request path is warmed up before readiness says ready (0: not)
 * @param train         {@code switchboard train}: run the warm-up alone, then exit (a training run for the JVM's archives)
 */
record CliArgs(Path config, String host, int port, boolean debug, boolean help, boolean version, boolean jsonLogs,
    boolean detailedDebug, boolean doctor, boolean offline, boolean json, boolean cluster, boolean idleGcThreads,
    double warmupSeconds, boolean train) {

  /** Long enough on one core for most of the request path to be compiled (see the README's cold-start figures). */
  static final double DEFAULT_WARMUP_SECONDS = 10;

  static final String USAGE = String.join(System.lineSeparator(),
      "Usage: switchboard [--config PATH] [--port N] [--host HOST] [--cluster] [--idle-gc-threads] [--debug]",
      "                   [--json-logs] [--version] [--help]",
      "       switchboard doctor [--config PATH] [--port N] [--host HOST] [--offline] [--json]",
      "       switchboard train [--warmup-seconds N]",
      "",
      "  --config PATH     LiteLLM config.yaml to serve (default: conf/config.yaml)",
      "  --port N          port to listen on (default: 4000)",
      "  --host HOST       address to bind (default: 127.0.0.1; 0.0.0.0 serves other machines)",
      "  --cluster         join the other gateways of general_settings.cluster (Hazelcast; also SWITCHBOARD_CLUSTER=true)",
      "  --idle-gc-threads run the concurrent GC threads (ZGC, Shenandoah, G1) at Linux's SCHED_IDLE, so they only",
      "                    use CPU time the event loops leave: for -XX:+UseZGC on one or two cores (also",
      "                    SWITCHBOARD_IDLE_GC_THREADS=true)",
      "  --debug           log every request at DEBUG",
      "  --detailed_debug  --debug, and Vert.x and Netty at DEBUG too",
      "  --json-logs       one JSON object per log line (also litellm_settings.json_logs: true)",
      "  --warmup-seconds N  before readiness says ready, run the request path this long against a",
      "                    throwaway in-process provider so it serves at full speed from the first",
      "                    request (default 10; 0: off; also SWITCHBOARD_WARMUP_SECONDS)",
      "  --version         print the version and exit",
      "  --help            print this help and exit",
      "",
      "doctor checks the config, env variables, master key, port, database, Redis and every deployment",
      "(address and key, with a model-list request; --offline skips that) and prints OK/WARN/FAIL with",
      "the fix for each. Exit code 0 when nothing FAILs.",
      "",
      "train runs the warm-up's requests alone (no config, no port, nothing written) and exits: on JDK 25+ the",
      "build runs it under -XX:AOTCacheOutput to record the AOT cache bin/switchboard starts the gateway with,",
      "so a just-started gateway serves closer to full speed.",
      "",
      "Environment: SWITCHBOARD_LOG or LITELLM_LOG = DEBUG | INFO | WARNING | ERROR");

  /** A command line that cannot be understood; the message says what to change. */
  static final class UsageException extends RuntimeException {
    UsageException(String message) {
      super(message, null, false, false);
    }
  }

  static CliArgs parse(String[] args) {
    Path config = Path.of("conf", "config.yaml");
    // Loopback unless asked: a gateway holding provider keys is exposed on purpose, not by default.
    String host = "127.0.0.1";
    int port = 4000;
    boolean debug = false;
    boolean help = false;
    boolean version = false;
    boolean jsonLogs = false;
    boolean detailed = false;
    boolean doctor = args.length > 0 && "doctor".equals(args[0]);
    boolean train = args.length > 0 && "train".equals(args[0]);
    boolean offline = false;
    boolean json = false;
    boolean cluster = false;
    boolean idleGcThreads = false;
    double warmupSeconds = seconds(System.getenv("SWITCHBOARD_WARMUP_SECONDS"), DEFAULT_WARMUP_SECONDS);
    for (int i = doctor || train ? 1 : 0; i < args.length; i++) {
      String arg = args[i];
      String inlineValue = null;
      int equals = arg.indexOf('=');
      if (arg.startsWith("--") && equals > 0) {
        inlineValue = arg.substring(equals + 1);
        arg = arg.substring(0, equals);
      }
      switch (arg) {
        case "--config", "-c" -> config = Path.of(inlineValue != null ? inlineValue : value(args, ++i, arg));
        case "--host" -> host = inlineValue != null ? inlineValue : value(args, ++i, arg);
        case "--port", "-p" -> port = port(inlineValue != null ? inlineValue : value(args, ++i, arg));
        case "--debug" -> debug = true;
        case "--detailed_debug", "--detailed-debug" -> {
          debug = true;
          detailed = true;
        }
        case "--json-logs", "--json_logs" -> jsonLogs = true;
        case "--offline" -> offline = doctorOnly(doctor, arg);
        case "--json" -> json = doctorOnly(doctor, arg);
        case "--help", "-h" -> help = true;
        case "--version", "-v" -> version = true;
        case "--cluster" -> cluster = true;
        case "--idle-gc-threads", "--idle_gc_threads" -> idleGcThreads = true;
        case "--warmup-seconds", "--warmup_seconds" ->
            warmupSeconds = seconds(inlineValue != null ? inlineValue : value(args, ++i, arg), -1);
        default -> throw new UsageException("Unknown option '" + arg + "'; run switchboard --help for the options.");
      }
    }
    return new CliArgs(config, host, port, debug, help, version, jsonLogs, detailed, doctor, offline, json, cluster,
        idleGcThreads, warmupSeconds, train);
  }

  private static boolean doctorOnly(boolean doctor, String option) {
    if (!doctor) {
      throw new UsageException("Option " + option + " belongs to `switchboard doctor`.");
    }
    return true;
  }

  private static String value(String[] args, int index, String option) {
    if (index >= args.length || args[index].startsWith("--")) {
      throw new UsageException("Option " + option + " needs a value; run switchboard --help for the options.");
    }
    return args[index];
  }

  /** @param fallback what an unset value means; -1: it must be set */
  private static double seconds(String text, double fallback) {
    if (text == null && fallback >= 0) {
      return fallback;
    }
    try {
      double seconds = Double.parseDouble(String.valueOf(text).trim());
      if (!(seconds >= 0 && seconds <= 600)) {
        throw new NumberFormatException();
      }
      return seconds;
    } catch (NumberFormatException e) {
      throw new UsageException("--warmup-seconds (SWITCHBOARD_WARMUP_SECONDS) must be a number of seconds from 0 "
          + "to 600, got '" + text + "'.");
    }
  }

  private static int port(String text) {
    try {
      int port = Integer.parseInt(text.trim());
      if (port < 0 || port > 65535) {
        throw new NumberFormatException();
      }
      return port;
    } catch (NumberFormatException e) {
      throw new UsageException("--port must be a number from 0 to 65535, got '" + text + "'.");
    }
  }
}
