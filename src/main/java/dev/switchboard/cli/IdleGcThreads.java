package dev.switchboard.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * {@code --idle-gc-threads}: moves this JVM's concurrent GC threads to Linux's SCHED_IDLE class, so
 * they run only on CPU time the event loops leave.
 *
 * <p>Why: a concurrent collector (ZGC, Shenandoah, G1's marking) does not stop the event loops, but
 * on a gateway with one or two cores its thread, at normal priority, takes half a core from a busy
 * event loop for as long as a cycle runs, and every stream on that loop falls behind. At SCHED_IDLE
 * the event loop preempts it as soon as it has work. The price: a gateway whose cores are all busy
 * starves its collector until an allocation has to wait for it, which is a pause like a
 * stop-the-world one. With Serial or Parallel GC there is no concurrent thread to move.
 *
 * <p>Applies to the GC threads that exist when it runs (ZGC and Shenandoah start theirs with the
 * JVM). Uses {@code chrt} from util-linux; any user may lower its own threads.
 */
public final class IdleGcThreads {

  /** Concurrent GC threads by their names in /proc: ZGC's, Shenandoah's, G1's concurrent ones. */
  static final Pattern CONCURRENT_GC = Pattern.compile(
      "Z(Worker|Driver|Director).*|Shenandoah.*|G1 (Conc|Refine|Main Marker|Service).*");

  private static final String CHRT = "chrt";

  private IdleGcThreads() {
  }

  /** What was done: the thread names moved to SCHED_IDLE, or why nothing could be. */
  public record Outcome(List<String> moved, String problem) {
  }

  /** Moves this process's concurrent GC threads to SCHED_IDLE. Blocking: runs chrt once per thread. */
  public static Outcome apply() {
    Path tasks = Path.of("/proc/self/task");
    if (!Files.isDirectory(tasks)) {
      return new Outcome(List.of(), "--idle-gc-threads works on Linux only (no /proc/self/task)");
    }
    List<String> moved = new ArrayList<>();
    try (Stream<Path> threads = Files.list(tasks)) {
      for (Path thread : threads.toList()) {
        String name = threadName(thread);
        if (name != null && CONCURRENT_GC.matcher(name).matches()) {
          String problem = setIdle(thread.getFileName().toString());
          if (problem != null) {
            return new Outcome(moved, problem);
          }
          moved.add(name);
        }
      }
    } catch (IOException e) {
      return new Outcome(moved, "cannot list this process's threads: " + e.getMessage());
    }
    return moved.isEmpty()
        ? new Outcome(moved, "this JVM has no concurrent GC threads (Serial or Parallel GC stop the event loops "
            + "anyway); start it with -XX:+UseZGC for --idle-gc-threads to matter")
        : new Outcome(moved, null);
  }

  private static String threadName(Path thread) {
    try {
      return Files.readString(thread.resolve("comm")).trim();
    } catch (IOException threadEnded) {
      return null;
    }
  }

  /** chrt --idle -p 0 TID; null when it worked, else why not. */
  private static String setIdle(String tid) {
    try {
      Process chrt = new ProcessBuilder(CHRT, "--idle", "-p", "0", tid).redirectErrorStream(true).start();
      String output = new String(chrt.getInputStream().readAllBytes()).trim();
      if (!chrt.waitFor(10, TimeUnit.SECONDS)) {
        chrt.destroyForcibly();
        return "chrt did not finish in 10 s";
      }
      return chrt.exitValue() == 0 ? null : "chrt failed: " + output;
    } catch (IOException e) {
      return "cannot run chrt (util-linux): " + e.getMessage();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    }
  }
}
