package dev.switchboard.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * CPU time used so far, in clock ticks, by the gateway, by this harness and by the whole machine
 * (busy and hypervisor steal). Two readings bracket a measured window; the machine's busy time
 * less the two processes' is what anything else on the machine used in it.
 */
record CpuTicks(long gatewayUser, long gatewaySys, long harnessUser, long harnessSys, long machineBusy,
    long machineSteal) {

  /** Ticks per second ({@code getconf CLK_TCK}); 100 when that cannot be run. */
  static final long PER_SECOND = readClockTicks();

  static CpuTicks read(long gatewayPid) {
    long[] gateway = processTicks(Long.toString(gatewayPid));
    long[] self = processTicks("self");
    long[] machine = machineTicks();
    return new CpuTicks(gateway[0], gateway[1], self[0], self[1], machine[0], machine[1]);
  }

  /** [utime, stime] of a process (all its threads). */
  private static long[] processTicks(String pid) {
    try {
      String stat = Files.readString(Path.of("/proc", pid, "stat"));
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      // fields[0] is field 3 (state); utime is field 14, stime field 15
      return new long[] {Long.parseLong(fields[11]), Long.parseLong(fields[12])};
    } catch (IOException | RuntimeException e) {
      return new long[2];
    }
  }

  /** [busy, steal] of all CPUs from /proc/stat's "cpu" line. */
  private static long[] machineTicks() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/stat"))) {
        if (line.startsWith("cpu ")) {
          String[] f = line.trim().split("\\s+");
          // user nice system idle iowait irq softirq steal ...
          long busy = Long.parseLong(f[1]) + Long.parseLong(f[2]) + Long.parseLong(f[3]) + Long.parseLong(f[6])
              + Long.parseLong(f[7]);
          return new long[] {busy, f.length > 8 ? Long.parseLong(f[8]) : 0};
        }
      }
    } catch (IOException | RuntimeException e) {
      // not on Linux
    }
    return new long[2];
  }

  private static long readClockTicks() {
    try {
      Process p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      p.waitFor(5, TimeUnit.SECONDS);
      return Long.parseLong(out);
    } catch (Exception e) {
      return 100;
    }
  }
}
