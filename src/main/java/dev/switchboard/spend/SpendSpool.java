package dev.switchboard.spend;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * The append-only files every spend row goes through before Postgres has it: rows are appended to
 * the open segment as they arrive (so a gateway that dies loses none), the segment is closed when
 * its rows are to be written, and a closed segment is deleted once Postgres has them. Segments are
 * written in the order they were closed, so rows reach Postgres in the order they were spooled;
 * segments left by an earlier run are written first. Used from the spend writer's context only
 * (blocking file I/O, never on an event loop).
 */
final class SpendSpool {

  private static final Logger LOG = Logger.getLogger(SpendSpool.class.getName());
  private static final String PREFIX = "spend-";
  private static final String SUFFIX = ".jsonl";

  /** A file of rows; {@code rows} is its content while it is small enough to keep, else null (read back). */
  static final class Segment {
    final Path path;
    final boolean fromEarlierRun;
    /** When its first row was spooled (for a segment from an earlier run, when its file was last written). */
    final long firstRowMillis;
    List<SpendRow> rows;
    int count;

    Segment(Path path, List<SpendRow> rows, int count, long firstRowMillis) {
      this.path = path;
      this.fromEarlierRun = rows == null;
      this.rows = rows;
      this.count = count;
      this.firstRowMillis = firstRowMillis;
    }
  }

  private final Path dir;
  private final int keepInMemory;
  private final Deque<Segment> closed = new ArrayDeque<>();
  private long nextSequence;
  private Segment open;
  private FileChannel channel;

  /** @param keepInMemory a segment with more rows than this is read back from disk when written */
  SpendSpool(Path dir, int keepInMemory) {
    this.dir = dir;
    this.keepInMemory = keepInMemory;
    try {
      Files.createDirectories(dir);
      List<Path> left;
      try (Stream<Path> files = Files.list(dir)) {
        left = files.filter(SpendSpool::isSegment).sorted((a, b) -> Long.compare(sequence(a), sequence(b))).toList();
      }
      for (Path path : left) {
        closed.add(new Segment(path, null, -1, Files.getLastModifiedTime(path).toMillis()));
        nextSequence = Math.max(nextSequence, sequence(path) + 1);
      }
      if (!left.isEmpty()) {
        LOG.info("Spend spool " + dir + " holds " + left.size() + " segment(s) from an earlier run; writing them first");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot use the spend spool directory " + dir + ": " + e.getMessage(), e);
    }
  }

  /** Appends rows to the open segment; they are on disk (in the OS's cache) when this returns. */
  void append(List<SpendRow> rows) throws IOException {
    if (open == null) {
      Path path = dir.resolve(PREFIX + String.format("%012d", nextSequence++) + SUFFIX);
      channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
      open = new Segment(path, new ArrayList<>(), 0, System.currentTimeMillis());
    }
    StringBuilder lines = new StringBuilder(rows.size() * 512);
    for (SpendRow row : rows) {
      lines.append(row.toJson().encode()).append('\n');
    }
    ByteBuffer bytes = ByteBuffer.wrap(lines.toString().getBytes(StandardCharsets.UTF_8));
    while (bytes.hasRemaining()) {
      channel.write(bytes);
    }
    open.count += rows.size();
    if (open.rows != null) {
      if (open.count > keepInMemory) {
        open.rows = null;
      } else {
        open.rows.addAll(rows);
      }
    }
  }

  /** Rows in the open segment, not yet handed to the writer. */
  int openRows() {
    return open == null ? 0 : open.count;
  }

  /**
   * Closes the open segment so its rows can be written; later rows go to a new one. The segment is
   * forced to the disk first: appends only reach the OS's page cache (enough when the gateway
   * process dies), this bounds what a machine crash can lose to the rows of one batch interval.
   */
  void close() throws IOException {
    if (open == null) {
      return;
    }
    channel.force(false);
    channel.close();
    closed.add(open);
    open = null;
    channel = null;
  }

  /** The oldest closed segment, or null when everything spooled has been written. */
  Segment oldest() {
    return closed.peekFirst();
  }

  boolean hasClosed() {
    return !closed.isEmpty();
  }

  /** The segment's rows, from memory or read back from its file (a torn last line, from a crash, is skipped). */
  List<SpendRow> rows(Segment segment) throws IOException {
    if (segment.rows != null) {
      return segment.rows;
    }
    List<SpendRow> rows = new ArrayList<>();
    for (String line : Files.readAllLines(segment.path, StandardCharsets.UTF_8)) {
      if (line.isBlank()) {
        continue;
      }
      try {
        rows.add(SpendRow.fromJson(new JsonObject(line)));
      } catch (DecodeException | ClassCastException | NullPointerException e) {
        LOG.warning("Skipping an unreadable line in " + segment.path.getFileName() + " (a write cut short by a crash)");
      }
    }
    segment.count = rows.size();
    return rows;
  }

  /** Postgres has the oldest segment's rows: forget it. */
  void removeOldest() throws IOException {
    Segment done = closed.pollFirst();
    if (done != null) {
      Files.deleteIfExists(done.path);
    }
  }

  /** Rows spooled and not yet written (segments from an earlier run count once read). */
  long pendingRows() {
    long rows = openRows();
    for (Segment segment : closed) {
      rows += Math.max(segment.count, 0);
    }
    return rows;
  }

  /** When the oldest row still waiting for Postgres was spooled, or 0 when none waits. */
  long oldestRowMillis() {
    Segment oldest = closed.isEmpty() ? open : closed.peekFirst();
    return oldest == null ? 0 : oldest.firstRowMillis;
  }

  /** After a failed write, a segment's rows are read back from disk next time instead of being held. */
  void dropCopies() {
    closed.forEach(segment -> segment.rows = null);
  }

  private static boolean isSegment(Path path) {
    String name = path.getFileName().toString();
    return name.startsWith(PREFIX) && name.endsWith(SUFFIX);
  }

  private static long sequence(Path path) {
    String name = path.getFileName().toString();
    try {
      return Long.parseLong(name.substring(PREFIX.length(), name.length() - SUFFIX.length()));
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
