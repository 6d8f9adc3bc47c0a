package dev.switchboard.bench;

import static dev.switchboard.bench.Figures.percentiles;
import static dev.switchboard.bench.Figures.round;
import static dev.switchboard.bench.Figures.us;

import io.vertx.core.AsyncResult;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * One round of the concurrent-streams phase against one target: N paced streams started over the
 * ramp. Gathers, while the streams run on the harness's event loops, each stream's time to first
 * event and worst added gap, every chunk's delay, how many streams were open at once and what
 * failed (grouped by message); then holds them as histograms, with the gateway's memory in the
 * round. The {@link Phase} carries what every run has: TTFT as its latency, counts, CPU, noise.
 */
final class StreamsRound implements PacedStream.Observer {

  /** Distinct failure messages kept; any further ones are counted under "(other)". */
  private static final int MAX_FAILURE_KINDS = 20;
  /** Worst gaps at least this long are also counted by when they happened, to match them with GC logs. */
  private static final long LONG_GAP_NANOS = 5_000_000;

  final Phase phase;
  /** The first round of each target opens the connections and is not in the printed report. */
  final boolean measured;
  Histogram worstAddedGap;
  Histogram chunkDelay;
  /** The gateway's rounds only: VmRSS every {@link RssSampler#PERIOD_MS} ms, and the GCs in the round. */
  List<Long> rssSamplesKb = List.of();
  GcLog.Window gc;
  /** The harness's own collections in the round (its JVM's), and their time. */
  long harnessGcs;
  long harnessGcMs;

  private final Recorder ttfts = new Recorder(3);
  private final Recorder totals = new Recorder(3);
  private final Recorder worstGaps = new Recorder(3);
  private final Recorder chunkDelays = new Recorder(3);
  private final AtomicLong open = new AtomicLong();
  private final AtomicLong maxOpen = new AtomicLong();
  private final LongAdder errors = new LongAdder();
  private final Map<String, LongAdder> failures = new ConcurrentHashMap<>();
  private final long startNanos = System.nanoTime();
  private final Instant startedAt = Instant.now();
  /** Streams whose worst gap was long, by the 100 ms of the round their gap ended in. */
  private final Map<Long, LongAdder> longGapsByTenth = new ConcurrentSkipListMap<>();

  StreamsRound(Phase phase, boolean measured) {
    this.phase = phase;
    this.measured = measured;
  }

  @Override
  public void opened() {
    maxOpen.accumulateAndGet(open.incrementAndGet(), Math::max);
  }

  @Override
  public void chunkDelay(long nanos) {
    chunkDelays.recordValue(Math.max(0, nanos));
  }

  @Override
  public void closed() {
    open.decrementAndGet();
  }

  /** One stream's outcome; {@code intendedNanos} is when the ramp meant to start it. */
  void finished(long intendedNanos, AsyncResult<PacedStream.Result> outcome) {
    if (outcome.succeeded()) {
      PacedStream.Result stream = outcome.result();
      ttfts.recordValue(Math.max(0, stream.firstEventNanos() - intendedNanos));
      totals.recordValue(Math.max(0, stream.endNanos() - intendedNanos));
      worstGaps.recordValue(Math.max(0, stream.worstAddedGapNanos()));
      if (stream.worstAddedGapNanos() >= LONG_GAP_NANOS) {
        long tenth = (stream.worstAddedGapAtNanos() - startNanos) / 100_000_000;
        longGapsByTenth.computeIfAbsent(tenth, t -> new LongAdder()).increment();
      }
      return;
    }
    errors.increment();
    Throwable cause = outcome.cause();
    String message = cause.getMessage() != null ? cause.getMessage() : cause.toString();
    phase.firstError = phase.firstError == null ? message : phase.firstError;
    String kind = failures.size() < MAX_FAILURE_KINDS || failures.containsKey(message) ? message : "(other)";
    failures.computeIfAbsent(kind, k -> new LongAdder()).increment();
  }

  /** Ends the round: the histograms, counts and CPU of its window; {@code incomplete} streams had not ended. */
  void close(CpuTicks before, CpuTicks after, double seconds, long incomplete, double meanPacerLagUs) {
    phase.latency = ttfts.getIntervalHistogram();
    phase.total = totals.getIntervalHistogram();
    phase.ok = phase.latency.getTotalCount();
    phase.errors = errors.sum();
    phase.incomplete = incomplete;
    phase.seconds = seconds;
    phase.meanPacerLagUs = meanPacerLagUs;
    phase.cpu(before, after);
    worstAddedGap = worstGaps.getIntervalHistogram();
    chunkDelay = chunkDelays.getIntervalHistogram();
  }

  /** What failed, message by message, with how many streams each. */
  Map<String, Long> failures() {
    Map<String, Long> counted = new TreeMap<>();
    failures.forEach((message, count) -> counted.put(message, count.sum()));
    return counted;
  }

  long maxOpen() {
    return maxOpen.get();
  }

  long rssPeakKb() {
    return rssSamplesKb.stream().mapToLong(Long::longValue).max().orElse(-1);
  }

  /** Gateway CPU per relayed event (the stamped ones: role chunk and content chunks). */
  double gatewayCpuUsPerChunk(int chunksPerStream) {
    return phase.gatewayCpuUsPerRequest() / (chunksPerStream + 1);
  }

  /** One line for the progress log. */
  String summary() {
    String s = String.format(Locale.ROOT, "%s; worst added gap p50 %.0f p99 %.0f max %.0f µs, chunk delay p50 %.0f "
            + "p99 %.0f µs, %d open at once", phase.summary(), us(worstAddedGap.getValueAtPercentile(50)),
        us(worstAddedGap.getValueAtPercentile(99)), us(worstAddedGap.getMaxValue()),
        us(chunkDelay.getValueAtPercentile(50)), us(chunkDelay.getValueAtPercentile(99)), maxOpen());
    if (!rssSamplesKb.isEmpty()) {
      s += String.format(Locale.ROOT, ", gateway RSS peak %.1f MiB", rssPeakKb() / 1024.0);
    }
    if (gc != null) {
      s += String.format(Locale.ROOT, ", %d GCs (max pause %.1f ms)", gc.collections(), gc.maxPauseMs());
    }
    s += String.format(Locale.ROOT, "; harness GCs %d (%d ms)", harnessGcs, harnessGcMs);
    if (!longGapsByTenth.isEmpty()) {
      StringBuilder when = new StringBuilder();
      longGapsByTenth.forEach((tenth, count) -> when.append(String.format(Locale.ROOT, " %.1fs:%d", tenth / 10.0, count.sum())));
      s += "; worst gaps >= 5 ms by when they ended (s after " + startedAt + "):" + when;
    }
    return s;
  }

  JsonObject toJson() {
    JsonObject json = phase.toJson()
        .put("worst_added_gap_us", percentiles(worstAddedGap))
        .put("chunk_delay_us", percentiles(chunkDelay))
        .put("max_open_streams", maxOpen())
        .put("harness_gc", new JsonObject().put("collections", harnessGcs).put("total_ms", harnessGcMs))
        .put("failures", new JsonObject(new LinkedHashMap<>(failures())));
    if (!rssSamplesKb.isEmpty()) {
      json.put("gateway_rss_peak_kb", rssPeakKb()).put("gateway_rss_samples_mib",
          new JsonArray(rssSamplesKb.stream().map(kb -> round(kb / 1024.0, 1)).toList()));
    }
    if (gc != null) {
      json.put("gateway_gc", gc.toJson());
    }
    return json;
  }
}
