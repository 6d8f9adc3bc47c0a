package dev.switchboard.cli;

import dev.switchboard.Gateway;
import dev.switchboard.Version;
import dev.switchboard.config.ConfigLoader;
import dev.switchboard.config.GatewayConfig;
import dev.switchboard.config.StartupException;
import dev.switchboard.log.Logs;
import dev.switchboard.warmup.Warmup;
import java.io.PrintStream;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/** {@code switchboard}: start the gateway, or say in one line why it cannot start. */
public final class Main {

  /** The process should keep running: the gateway is serving. */
  static final int RUNNING = -1;
  static final int STARTUP_FAILED = 1;
  static final int USAGE_ERROR = 2;
  /** Generous: a start that waits on a database, Redis and a cluster join on a loaded host is slow, not stuck. */
  static final long DEFAULT_START_TIMEOUT_SECONDS = 300;

  private Main() {
  }

  public static void main(String[] args) {
    int code = launch(args, System.out, System.err);
    if (code != RUNNING) {
      System.exit(code);
    }
  }

  /** Starts the gateway, or returns the exit code after printing why not (never a stack trace). */
  static int launch(String[] argv, PrintStream out, PrintStream err) {
    CliArgs args;
    try {
      args = CliArgs.parse(argv);
    } catch (CliArgs.UsageException e) {
      err.println("switchboard: " + e.getMessage());
      return USAGE_ERROR;
    }
    if (args.help()) {
      out.println(CliArgs.USAGE);
      return 0;
    }
    if (args.version()) {
      out.println("switchboard " + Version.VERSION);
      return 0;
    }
    Level level = args.debug() ? Level.FINE : Logs.levelFromEnv();
    Logs.configure(level, args.jsonLogs(), args.detailedDebug());
    if (args.doctor()) {
      return DoctorCommand.run(args, out, err);
    }
    if (args.train()) {
      return TrainCommand.run(args.warmupSeconds(), out, err);
    }
    if (args.idleGcThreads() || "true".equalsIgnoreCase(System.getenv("SWITCHBOARD_IDLE_GC_THREADS"))) {
      lowerGcThreads();
    }
    try {
      GatewayConfig config = new ConfigLoader().load(args.config());
      if (args.cluster()) {
        config = config.withCluster(true);
      }
      if (config.observability().jsonLogs() && !args.jsonLogs()) {
        Logs.configure(level, true, args.detailedDebug());
      }
      long startSeconds = startTimeoutSeconds(System.getenv("SWITCHBOARD_START_TIMEOUT_SECONDS"));
      Gateway gateway;
      try {
        gateway = Gateway.start(config, new Gateway.Options(args.host(), args.port(), 0, args.warmupSeconds() > 0))
            .toCompletionStage().toCompletableFuture().get(startSeconds, TimeUnit.SECONDS);
      } catch (java.util.concurrent.TimeoutException e) {
        throw new StartupException("did not start within " + startSeconds + " s (database, Redis and cluster join "
            + "included); on a slow or loaded machine raise SWITCHBOARD_START_TIMEOUT_SECONDS");
      }
      Logger.getLogger(Main.class.getName()).info("Switchboard " + Version.VERSION + " serving "
          + gateway.registry().modelNames().size() + " models (" + gateway.registry().deploymentCount()
          + " deployments) from " + args.config() + " on http://" + args.host() + ":" + gateway.port());
      // SIGTERM: stop accepting, let what is in flight finish, write the spend, leave the cluster.
      long closeSeconds = Math.round(config.general().gracefulShutdownSeconds()) + 30;
      Runtime.getRuntime().addShutdownHook(new Thread(() -> awaitClose(gateway, closeSeconds), "switchboard-shutdown"));
      if (args.warmupSeconds() > 0) {
        warmUp(gateway, args.warmupSeconds());
      }
      return RUNNING;
    } catch (StartupException e) {
      err.println("switchboard: " + e.getMessage());
      return STARTUP_FAILED;
    } catch (java.util.concurrent.ExecutionException e) {
      Throwable cause = e.getCause();
      err.println("switchboard: " + (cause instanceof StartupException ? cause.getMessage()
          : "cannot start: " + cause.getClass().getSimpleName() + ": " + cause.getMessage()));
      return STARTUP_FAILED;
    } catch (Exception e) {
      err.println("switchboard: cannot start: " + e.getClass().getSimpleName() + ": " + e.getMessage());
      return STARTUP_FAILED;
    }
  }

  /**
   * Readiness says "warming up" until the request path has run for {@code seconds} in a throwaway
   * gateway; its INFO lines (its start, its spend lines) are left out of the log meanwhile.
   */
  private static void warmUp(Gateway gateway, double seconds) {
    Logger log = Logger.getLogger(Main.class.getName());
    log.info("Warming up the request path for " + seconds + " s before reporting ready (--warmup-seconds)");
    Logger switchboard = Logger.getLogger(Logs.ROOT);
    Level level = switchboard.getLevel();
    if (level == null || level.intValue() < Level.WARNING.intValue()) {
      switchboard.setLevel(Level.WARNING);
    }
    Warmup.run(seconds, 0).onComplete(done -> {
      switchboard.setLevel(level);
      gateway.warmed();
      if (done.succeeded() && done.result().failed() == 0) {
        log.info(String.format(java.util.Locale.ROOT, "Warm after %.1f s (%d requests): ready", done.result().seconds(),
            done.result().requests()));
      } else {
        log.warning("The warm-up did not run cleanly (" + (done.succeeded() ? done.result().failed()
            + " of its requests failed" : done.cause()) + "); ready anyway, the first requests may be slower");
      }
    });
  }

  /** How long a start may take before the process gives up and says so. */
  static long startTimeoutSeconds(String value) {
    if (value == null || value.isBlank()) {
      return DEFAULT_START_TIMEOUT_SECONDS;
    }
    try {
      long seconds = Long.parseLong(value.trim());
      if (seconds > 0) {
        return seconds;
      }
    } catch (NumberFormatException e) {
      // the message below says what is wanted
    }
    throw new StartupException("SWITCHBOARD_START_TIMEOUT_SECONDS must be a positive number of seconds, got '" + value + "'");
  }

  /** A tuning, not a requirement: the gateway serves either way, and says which. */
  private static void lowerGcThreads() {
    Logger log = Logger.getLogger(Main.class.getName());
    IdleGcThreads.Outcome outcome = IdleGcThreads.apply();
    if (outcome.problem() != null) {
      log.warning("--idle-gc-threads: " + outcome.problem());
    } else {
      log.info("--idle-gc-threads: " + String.join(", ", outcome.moved()) + " now run at SCHED_IDLE");
    }
  }

  private static void awaitClose(Gateway gateway, long seconds) {
    Logger log = Logger.getLogger(Main.class.getName());
    log.info("Stopping: no new connections; requests in flight may finish");
    try {
      gateway.close().toCompletionStage().toCompletableFuture().get(seconds, TimeUnit.SECONDS);
      log.info("Stopped");
    } catch (Exception ignored) {
      // Exiting anyway; nothing useful left to report.
    }
  }
}
