package dev.switchboard.bench;

import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/**
 * Which CPUs the harness and the gateway run on. The harness re-runs itself under taskset rather
 * than pinning its own threads, so its JVM sizes itself (GC, event loops) for the CPUs it gets.
 */
final class Pinning {

  private static final String PINNED_PROPERTY = "switchboard.bench.pinned";
  private static final String TASKSET = "/usr/bin/taskset";

  private Pinning() {
  }

  /** True in the JVM that {@link #rerunPinned} started. */
  static boolean harnessPinned() {
    return System.getProperty(PINNED_PROPERTY) != null;
  }

  /** taskset is there and this process may use every CPU the options ask for. */
  static boolean canPin(HarnessOptions o) {
    if (!new File(TASKSET).canExecute()) {
      return false;
    }
    TreeSet<Integer> allowed = ProcFs.cpuList(ProcFs.statusField("self", "Cpus_allowed_list"));
    TreeSet<Integer> wanted = ProcFs.cpuList(o.harnessCpus);
    wanted.addAll(ProcFs.cpuList(o.gatewayCpus));
    return !allowed.isEmpty() && allowed.containsAll(wanted);
  }

  /** Runs this same harness again under {@code taskset -c <harnessCpus>}; returns its exit code. */
  static int rerunPinned(HarnessOptions o, String[] args) {
    List<String> command = new ArrayList<>(List.of(TASKSET, "-c", o.harnessCpus, ChildProcesses.java()));
    List<String> jvmArgs = ManagementFactory.getRuntimeMXBean().getInputArguments();
    command.addAll(jvmArgs);
    if (jvmArgs.stream().noneMatch(arg -> arg.matches("-XX:\\+Use\\w+GC"))) {
      // The harness's own pauses would show as gaps in every round: it runs ZGC, whose threads the
      // pinned harness then moves to SCHED_IDLE (LoadHarness), as --idle-gc-threads does for the gateway.
      command.add("-XX:+UseZGC");
      if (jvmArgs.stream().noneMatch(arg -> arg.startsWith("-Xmx"))) {
        command.add("-Xmx1g");
      }
    }
    command.add("-D" + PINNED_PROPERTY + "=" + o.harnessCpus);
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), LoadHarness.class.getName()));
    command.addAll(Arrays.asList(args));
    try {
      Process child = new ProcessBuilder(command).inheritIO().start();
      Runtime.getRuntime().addShutdownHook(new Thread(() -> ChildProcesses.stop(child), "harness-child-stop"));
      if (!child.waitFor((long) (o.maxTotalS + 60), TimeUnit.SECONDS)) {
        System.err.println("LoadHarness: pinned run exceeded its time limit; stopping it");
        ChildProcesses.stop(child);
        return 3;
      }
      return child.exitValue();
    } catch (IOException | InterruptedException e) {
      System.err.println("LoadHarness: cannot re-run under taskset (" + e + "); run with --no-pin");
      return 1;
    }
  }

  /** The taskset prefix of the gateway's command line; empty when this harness is not pinned. */
  static List<String> gatewayPrefix(HarnessOptions o) {
    boolean pinned = o.pin && new File(TASKSET).canExecute() && harnessPinned();
    return pinned ? List.of(TASKSET, "-c", o.gatewayCpus) : List.of();
  }
}
