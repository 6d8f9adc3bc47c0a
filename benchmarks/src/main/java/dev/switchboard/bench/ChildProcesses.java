package dev.switchboard.bench;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** What the two child JVMs (the pinned re-run of the harness, the gateway) share: their java, their stop. */
final class ChildProcesses {

  private ChildProcesses() {
  }

  /** The java of this JVM, so both children run the same JDK as the harness. */
  static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /** SIGTERM, 10 s to exit, then SIGKILL. */
  static void stop(Process process) {
    if (!process.isAlive()) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
    }
  }
}
