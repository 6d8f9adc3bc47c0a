package dev.switchboard.bench;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.TreeSet;

/**
 * Readings from Linux's /proc other than CPU time (that is {@link CpuTicks}): status fields,
 * thread names, CPU lists. Off Linux, or once the process is gone, they read as empty.
 */
final class ProcFs {

  private ProcFs() {
  }

  /** A field of /proc/&lt;pid&gt;/status ({@code pid} may be "self"), trimmed; "" when unreadable. */
  static String statusField(String pid, String field) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", pid, "status"))) {
        if (line.startsWith(field + ":")) {
          return line.substring(field.length() + 1).trim();
        }
      }
    } catch (IOException | RuntimeException e) {
      // not on Linux, or gone
    }
    return "";
  }

  /** A kB field of /proc/&lt;pid&gt;/status, such as VmRSS; -1 when unreadable. */
  static long statusKb(long pid, String field) {
    String value = statusField(Long.toString(pid), field);
    return value.isEmpty() ? -1 : Long.parseLong(value.replace("kB", "").trim());
  }

  /** Threads of a process whose name starts with {@code commPrefix} ("" counts them all); -1 when gone. */
  static int countThreads(long pid, String commPrefix) {
    File[] tasks = new File("/proc/" + pid + "/task").listFiles();
    if (tasks == null) {
      return -1;
    }
    int count = 0;
    for (File task : tasks) {
      try {
        if (Files.readString(task.toPath().resolve("comm")).startsWith(commPrefix)) {
          count++;
        }
      } catch (IOException gone) {
        // thread ended
      }
    }
    return count;
  }

  /** The CPUs of a list such as "0-2,5", as taskset and Cpus_allowed_list write it. */
  static TreeSet<Integer> cpuList(String list) {
    TreeSet<Integer> cpus = new TreeSet<>();
    if (list == null) {
      return cpus;
    }
    for (String part : list.split(",")) {
      part = part.trim();
      if (part.isEmpty()) {
        continue;
      }
      try {
        int dash = part.indexOf('-');
        int from = Integer.parseInt(dash < 0 ? part : part.substring(0, dash));
        int to = dash < 0 ? from : Integer.parseInt(part.substring(dash + 1));
        for (int c = from; c <= to; c++) {
          cpus.add(c);
        }
      } catch (NumberFormatException e) {
        // ignore malformed part
      }
    }
    return cpus;
  }
}
