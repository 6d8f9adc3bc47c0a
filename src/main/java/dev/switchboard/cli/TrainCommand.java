package dev.switchboard.cli;

import dev.switchboard.log.Logs;
import dev.switchboard.warmup.Warmup;
import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * {@code switchboard train}: the warm-up's requests in a throwaway gateway, then exit. Run under
 * {@code -XX:AOTCacheOutput} (JDK 25+) it records which classes the request path loads and how its
 * methods behaved, so a gateway started with that cache links less and compiles the hot path from
 * the first request. (JDK 17's CDS archive, classes only, made no measurable difference, so the build
 * records nothing on older JDKs.)
 */
final class TrainCommand {

  private TrainCommand() {
  }

  static int run(double seconds, PrintStream out, PrintStream err) {
    // The throwaway gateway's start and spend lines are not news; its warnings are.
    Logger.getLogger(Logs.ROOT).setLevel(Level.WARNING);
    try {
      Warmup.Outcome outcome = Warmup.run(seconds, 0).toCompletionStage().toCompletableFuture()
          .get(Math.round(seconds) + 60, TimeUnit.SECONDS);
      if (outcome.failed() > 0) {
        err.println("switchboard train: " + outcome.failed() + " of the warm-up's requests failed");
        return Main.STARTUP_FAILED;
      }
      out.println(String.format(Locale.ROOT, "switchboard train: %d requests in %.1f s", outcome.requests(),
          outcome.seconds()));
      return 0;
    } catch (Exception e) {
      err.println("switchboard train: " + e.getClass().getSimpleName() + ": " + e.getMessage());
      return Main.STARTUP_FAILED;
    }
  }
}
