package dev.switchboard.bench;

import static dev.switchboard.bench.Figures.round;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The gateway's {@code -Xlog:gc} file: each collection's pause and the heap in use before and
 * after it. The heap after a collection is the nearest thing to the live set the JVM reports
 * without being asked (asking, with jcmd, means a JVM start on the harness's core and, for a live
 * figure, a full collection that would stall every open stream). Marks are collection counts, so
 * a window is "the collections logged since the mark".
 */
final class GcLog {

  /** One collection: "GC(7) Pause Young (Allocation Failure) 120M->9M(480M) 3.456ms". */
  record Collection(boolean full, long afterKb, long committedKb, double pauseMs) {
  }

  /** The collections of one window, summed up; heap figures are -1 when there were none. */
  record Window(int collections, int full, double maxPauseMs, double totalPauseMs, long maxAfterKb,
      long maxCommittedKb) {

    JsonObject toJson() {
      return new JsonObject().put("collections", collections).put("full_collections", full)
          .put("max_pause_ms", round(maxPauseMs, 2)).put("total_pause_ms", round(totalPauseMs, 2))
          .put("max_heap_after_gc_kb", maxAfterKb).put("max_heap_committed_kb", maxCommittedKb);
    }
  }

  private static final Pattern PAUSE = Pattern.compile(
      "GC\\(\\d+\\) (Pause .*?) (\\d+)([KMG])->(\\d+)([KMG])\\((\\d+)([KMG])\\) ([\\d.]+)ms");
  /**
   * ZGC and Shenandoah, whose collections are concurrent: "GC(9) Pause Mark Start 0.008ms" (ZGC's in
   * gc+phases), "GC(9) Pause Init Mark (unload classes) 0.010ms"; several per cycle.
   */
  private static final Pattern CONCURRENT_PAUSE = Pattern.compile("GC\\((\\d+)\\) Pause [A-Za-z() ]+ ([\\d.]+)ms$");
  /**
   * ...whose stop is longer than the phase says: the safepoint's total, e.g. "Safepoint
   * \"ZRelocateStart\", ... Total: 1718813 ns", 1.7 ms where the phase line said 0.010 ms.
   */
  private static final Pattern CONCURRENT_SAFEPOINT = Pattern.compile(
      "Safepoint \"(?:Z|Shenandoah)\\w+\".* Total: (\\d+) ns");
  /** The end of a ZGC cycle: "GC(9) Garbage Collection (Allocation Rate) 164M(82%)->72M(36%)". */
  private static final Pattern Z_CYCLE = Pattern.compile(
      "GC\\(\\d+\\) Garbage Collection \\(.*\\) (\\d+)M\\((\\d+)%\\)->(\\d+)M\\((\\d+)%\\)");
  /** Shenandoah's heap after a cycle, in its last "GC(9) Concurrent cleanup 113M->50M(256M) 0.037ms". */
  private static final Pattern SHENANDOAH_CLEANUP = Pattern.compile(
      "GC\\((\\d+)\\) Concurrent cleanup (\\d+)([KMG])->(\\d+)([KMG])\\((\\d+)([KMG])\\)");

  private final Path file;

  GcLog(Path file) {
    this.file = file;
  }

  /**
   * Every collection logged so far; none when the file is missing (a GC that logs otherwise). A
   * ZGC or Shenandoah cycle is one collection whose pause is the longest of its safepoints.
   */
  List<Collection> collections() {
    List<Collection> found = new ArrayList<>();
    String cycle = "";
    double cyclePauseMs = 0;
    String lastCleanup = "";
    try {
      for (String line : Files.exists(file) ? Files.readAllLines(file) : List.<String>of()) {
        Matcher m = PAUSE.matcher(line);
        Matcher pause = CONCURRENT_PAUSE.matcher(line);
        Matcher safepoint = CONCURRENT_SAFEPOINT.matcher(line);
        Matcher zCycle = Z_CYCLE.matcher(line);
        Matcher cleanup = SHENANDOAH_CLEANUP.matcher(line);
        if (m.find()) {
          found.add(new Collection(m.group(1).startsWith("Pause Full"), kb(m.group(4), m.group(5)),
              kb(m.group(6), m.group(7)), Double.parseDouble(m.group(8))));
        } else if (pause.find()) {
          cyclePauseMs = pause.group(1).equals(cycle) ? cyclePauseMs : 0;
          cycle = pause.group(1);
          cyclePauseMs = Math.max(cyclePauseMs, Double.parseDouble(pause.group(2)));
        } else if (safepoint.find()) {
          cyclePauseMs = Math.max(cyclePauseMs, Long.parseLong(safepoint.group(1)) / 1e6);
        } else if (zCycle.find()) {
          long afterMb = Long.parseLong(zCycle.group(3));
          long percent = Long.parseLong(zCycle.group(4));
          found.add(new Collection(false, afterMb * 1024, percent > 0 ? afterMb * 1024 * 100 / percent : -1,
              cyclePauseMs));
        } else if (cleanup.find()) {
          // One or two cleanups per cycle (before and after evacuation): the last one stands.
          Collection collection = new Collection(false, kb(cleanup.group(4), cleanup.group(5)),
              kb(cleanup.group(6), cleanup.group(7)), cyclePauseMs);
          if (cleanup.group(1).equals(lastCleanup)) {
            found.set(found.size() - 1, collection);
          } else {
            found.add(collection);
          }
          lastCleanup = cleanup.group(1);
        }
      }
    } catch (IOException | RuntimeException unreadable) {
      // a window without collections says as much
    }
    return found;
  }

  int mark() {
    return collections().size();
  }

  /** The collections since a mark. */
  Window since(int mark) {
    List<Collection> all = collections();
    List<Collection> window = all.subList(Math.min(mark, all.size()), all.size());
    int full = 0;
    double maxPause = 0;
    double totalPause = 0;
    long maxAfter = -1;
    long maxCommitted = -1;
    for (Collection c : window) {
      full += c.full() ? 1 : 0;
      maxPause = Math.max(maxPause, c.pauseMs());
      totalPause += c.pauseMs();
      maxAfter = Math.max(maxAfter, c.afterKb());
      maxCommitted = Math.max(maxCommitted, c.committedKb());
    }
    return new Window(window.size(), full, maxPause, totalPause, maxAfter, maxCommitted);
  }

  /** The heap after the last collection before a mark; -1 when none had run by then. */
  long heapAfterLastBefore(int mark) {
    List<Collection> all = collections();
    return mark > 0 && mark <= all.size() ? all.get(mark - 1).afterKb() : -1;
  }

  private static long kb(String amount, String unit) {
    long n = Long.parseLong(amount);
    return switch (unit) {
      case "G" -> n * 1024 * 1024;
      case "M" -> n * 1024;
      default -> n;
    };
  }
}
