package dev.switchboard.bench;

import static dev.switchboard.bench.Figures.added;
import static dev.switchboard.bench.Figures.round;
import static dev.switchboard.bench.Figures.us;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The results of one harness run, gathered section by section as the runs finish: written as
 * JSON with every percentile, and printed as the short report.
 */
final class Report {

  /** One comparison: the same load directly at the mock and through the gateway. */
  record Pair(Phase direct, Phase gateway) {
  }

  private final HarnessOptions o;
  private final JsonObject json = new JsonObject().put("generated_at", Instant.now().toString());
  private final JsonObject environment;
  private Pair max;
  private final List<Pair> openLoop = new ArrayList<>();
  private Pair streaming;
  private ConcurrentStreams.Result streams;

  Report(HarnessOptions options, GatewayProcess gateway, int harnessEventLoops) throws IOException {
    this.o = options;
    String flags = gateway.jvmFlags();
    Matcher gc = Pattern.compile("-XX:\\+Use(\\w+)GC").matcher(flags);
    environment = new JsonObject()
        .put("machine_cpus", ProcFs.cpuList(ProcFs.statusField("1", "Cpus_allowed_list")).size())
        .put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"))
        .put("harness_cpus_allowed", ProcFs.statusField("self", "Cpus_allowed_list"))
        .put("harness_event_loops", harnessEventLoops)
        .put("harness_pinned", Pinning.harnessPinned())
        .put("gateway_pid", gateway.pid())
        .put("gateway_cpus_allowed", gateway.cpusAllowed())
        .put("gateway_jvm_flags", flags)
        .put("gateway_gc", gc.find() ? gc.group(1) : "unknown")
        .put("clock_ticks_per_s", CpuTicks.PER_SECOND);
    json.put("environment", environment).put("options", options.toJson());
  }

  private ColdStart cold;

  void coldStart(ColdStart cold) {
    this.cold = cold;
    json.put("cold_start", cold.toJson());
  }

  void gatewayWarmup(Phase warmup) {
    json.put("gateway_warmup", warmup.toJson());
  }

  void maxThroughput(Phase direct, Phase gateway) {
    max = new Pair(direct, gateway);
    json.put("max_throughput", new JsonObject()
        .put("concurrency", o.concurrency)
        .put("direct", direct.toJson())
        .put("gateway", gateway.toJson())
        .put("ratio_gateway_to_direct", round(gateway.rps() / direct.rps(), 3))
        .put("gateway_cpu_us_per_request", round(gateway.gatewayCpuUsPerRequest(), 1)));
  }

  /** The open-loop runs, one pair per rate. */
  void openLoop(List<Pair> pairs) {
    openLoop.addAll(pairs);
    JsonArray rates = new JsonArray();
    for (Pair pair : pairs) {
      Phase d = pair.direct();
      Phase g = pair.gateway();
      rates.add(new JsonObject().put("rate", (int) d.targetRate).put("direct", d.toJson()).put("gateway", g.toJson())
          .put("added_p50_us", added(d.latency, g.latency, 50))
          .put("added_p99_us", added(d.latency, g.latency, 99))
          .put("added_p999_us", added(d.latency, g.latency, 99.9)));
    }
    json.put("open_loop", rates);
  }

  void streaming(Phase direct, Phase gateway) {
    streaming = new Pair(direct, gateway);
    json.put("streaming", new JsonObject()
        .put("rate", o.streamRate).put("content_chunks", o.streamChunks)
        .put("chunk_interval_ms", o.chunkIntervalMs)
        .put("direct", direct.toJson()).put("gateway", gateway.toJson())
        .put("added_ttft_p50_us", added(direct.latency, gateway.latency, 50))
        .put("added_ttft_p99_us", added(direct.latency, gateway.latency, 99))
        .put("added_stream_total_p50_us", added(direct.total, gateway.total, 50)));
  }

  /** (f): the measured round each way; the first rounds (connections opening) in full in the JSON only. */
  void concurrentStreams(ConcurrentStreams.Result r) {
    streams = r;
    StreamsRound d = r.direct();
    StreamsRound g = r.gateway();
    Double heapGrowth = r.heapGrowthMibPer1000();
    JsonObject memory = new JsonObject()
        .put("rss_idle_before_kb", r.rssIdleBeforeKb()).put("rss_peak_kb", r.rssPeakKb())
        .put("rss_after_kb", r.rssAfterKb()).put("rss_growth_mib_per_1000_streams", round(r.rssGrowthMibPer1000(), 1))
        .put("heap_after_gc_before_kb", r.heapBeforeKb()).put("heap_after_gc_peak_kb", r.heapPeakKb())
        .put("heap_growth_mib_per_1000_streams", heapGrowth == null ? null : round(heapGrowth, 1));
    json.put("concurrent_streams", new JsonObject()
        .put("streams", r.streams()).put("seconds", round(r.seconds(), 1)).put("content_chunks", o.streamsChunks)
        .put("chunk_interval_ms", o.streamsIntervalMs).put("ramp_ms", o.streamsRampMs)
        .put("direct", d.toJson()).put("gateway", g.toJson())
        .put("added_ttft_p50_us", added(d.phase.latency, g.phase.latency, 50))
        .put("added_ttft_p99_us", added(d.phase.latency, g.phase.latency, 99))
        .put("added_worst_gap_p50_us", added(d.worstAddedGap, g.worstAddedGap, 50))
        .put("added_worst_gap_p99_us", added(d.worstAddedGap, g.worstAddedGap, 99))
        .put("gateway_cpu_us_per_chunk", round(g.gatewayCpuUsPerChunk(o.streamsChunks), 2))
        .put("gateway_memory", memory)
        .put("first_round", new JsonObject().put("direct", r.directFirst().toJson())
            .put("gateway", r.gatewayFirst().toJson())));
  }

  /** RSS idle after start, idle after the load, the peak; and the gateway's threads at the end. */
  void gatewayMemoryAndThreads(long rssStartKb, GatewayProcess gateway) {
    json.put("gateway_memory", new JsonObject().put("idle_rss_after_start_kb", rssStartKb)
        .put("idle_rss_after_load_kb", gateway.memoryKb("VmRSS")).put("peak_rss_kb", gateway.memoryKb("VmHWM")));
    environment.put("gateway_event_loop_threads", gateway.threads("vert.x-eventloo"));
    environment.put("gateway_threads", gateway.threads(""));
  }

  void gatewayLog(JsonObject summary) {
    json.put("gateway_log", summary);
  }

  void write(Path path) throws IOException {
    Files.writeString(path, json.encodePrettily());
  }

  /** Prints the report; {@code allRuns} (the warm-up included) give the noise line. */
  void print(Path reportPath, List<Phase> allRuns) {
    JsonObject env = environment;
    JsonObject mem = json.getJsonObject("gateway_memory");
    JsonObject logSummary = json.getJsonObject("gateway_log");
    StringBuilder out = new StringBuilder();
    out.append("\n==================== Switchboard load report ====================\n");
    out.append(String.format(Locale.ROOT, "pinning : harness on CPUs %s (%s, %d event loop%s incl. the mock), "
            + "gateway on CPUs %s (%d event loop thread%s)%n",
        env.getString("harness_cpus_allowed"), env.getBoolean("harness_pinned") ? "taskset" : "NOT pinned",
        env.getInteger("harness_event_loops"), env.getInteger("harness_event_loops") == 1 ? "" : "s",
        env.getString("gateway_cpus_allowed"), env.getInteger("gateway_event_loop_threads"),
        env.getInteger("gateway_event_loop_threads") == 1 ? "" : "s"));
    out.append(String.format(Locale.ROOT, "gateway : %s + %s -> GC %s; auth %s; SWITCHBOARD_LOG=%s%s%n",
        o.gatewayLauncher == null ? "JVM defaults" : o.gatewayLauncher + "'s flags and archive", o.gatewayJvmOpts.isEmpty() ? "no extra flags" : String.join(" ", o.gatewayJvmOpts),
        env.getString("gateway_gc"), o.open ? "off (open)" : "on (master_key)",
        o.gatewayLog == null ? "unset (the shipped INFO: a line per request)" : o.gatewayLog,
        o.gatewayArgs.isEmpty() ? "" : "; " + String.join(" ", o.gatewayArgs)));
    if (cold != null) {
      cold.print(out);
    }
    if (max != null) {
      printMaxThroughput(out);
    }
    if (!openLoop.isEmpty()) {
      printOpenLoop(out);
    }
    if (streaming != null) {
      printStreaming(out);
    }
    if (streams != null) {
      printConcurrentStreams(out);
    }
    double other = 0;
    double steal = 0;
    for (Phase p : allRuns) {
      other = Math.max(other, p.otherCpuPct());
      steal = Math.max(steal, p.stealPct());
    }
    out.append(String.format(Locale.ROOT, "noise   : other processes used at most %.0f%% of a core and the hypervisor "
        + "stole at most %.0f%% during any run%s%n", other, steal, other > 5 || steal > 5 ? "  <- figures disturbed" : ""));
    out.append(String.format(Locale.ROOT,
        "(e) gateway RSS: idle after start %.1f MB, idle after load %.1f MB, peak %.1f MB%n",
        mem.getLong("idle_rss_after_start_kb") / 1024.0, mem.getLong("idle_rss_after_load_kb") / 1024.0,
        mem.getLong("peak_rss_kb") / 1024.0));
    out.append(String.format(Locale.ROOT, "gateway log: %d lines, %d warnings, %d errors (%s)%n",
        logSummary.getInteger("lines"), logSummary.getInteger("warnings"), logSummary.getInteger("errors"),
        logSummary.getString("path")));
    out.append("JSON report: ").append(reportPath).append('\n');
    System.out.print(out);
  }

  private void printMaxThroughput(StringBuilder out) {
    out.append(String.format(Locale.ROOT, "%n(a) max throughput, closed loop, %d connections, %.0f s measured%n",
        o.concurrency, o.maxDurationS));
    for (Phase p : List.of(max.direct(), max.gateway())) {
      out.append(String.format(Locale.ROOT, "    %-7s %8.0f req/s   p50 %7.0f µs  p99 %7.0f µs   harness CPU %3.0f%%%s%s%n",
          p.target, p.rps(), us(p.latency.getValueAtPercentile(50)), us(p.latency.getValueAtPercentile(99)),
          100 * p.harnessCpuS / p.seconds, p.viaGateway()
              ? String.format(Locale.ROOT, ", gateway CPU %3.0f%%", 100 * p.gatewayCpuS / p.seconds) : "",
          p.errors + p.incomplete > 0 ? "   ERRORS " + (p.errors + p.incomplete) : ""));
    }
    Phase g = max.gateway();
    out.append(String.format(Locale.ROOT, "    ratio gateway/direct = %.2f%n", g.rps() / max.direct().rps()));
    out.append(String.format(Locale.ROOT,
        "(b) gateway CPU per request at max throughput = %.1f µs (user %.1f + sys %.1f; utime+stime, %d ticks/s)%n",
        g.gatewayCpuUsPerRequest(), g.perRequestUs(g.gatewayUserS), g.perRequestUs(g.gatewaySysS),
        CpuTicks.PER_SECOND));
  }

  private void printOpenLoop(StringBuilder out) {
    out.append("(c) open loop, latency from intended send time (µs)\n");
    out.append("      rate    target      p50      p99    p99.9  errors  pacer lag  gw CPU µs/req\n");
    for (Pair pair : openLoop) {
      for (Phase p : List.of(pair.direct(), pair.gateway())) {
        out.append(String.format(Locale.ROOT, "    %6.0f/s  %-7s  %7.0f  %7.0f  %7.0f  %6d  %9.0f  %s%n",
            p.targetRate, p.target, us(p.latency.getValueAtPercentile(50)), us(p.latency.getValueAtPercentile(99)),
            us(p.latency.getValueAtPercentile(99.9)), p.errors + p.incomplete, p.meanPacerLagUs,
            p.viaGateway() ? String.format(Locale.ROOT, "%.1f", p.gatewayCpuUsPerRequest()) : ""));
      }
      Phase d = pair.direct();
      Phase g = pair.gateway();
      out.append(String.format(Locale.ROOT, "    %6.0f/s  ADDED    %7.0f  %7.0f  %7.0f%n", d.targetRate,
          added(d.latency, g.latency, 50), added(d.latency, g.latency, 99), added(d.latency, g.latency, 99.9)));
    }
  }

  private void printStreaming(StringBuilder out) {
    out.append(String.format(Locale.ROOT,
        "(d) streaming at %d/s, %d content chunks %d ms apart: TTFT from intended send (µs)%n",
        o.streamRate, o.streamChunks, o.chunkIntervalMs));
    for (Phase p : List.of(streaming.direct(), streaming.gateway())) {
      out.append(String.format(Locale.ROOT,
          "    %-7s TTFT p50 %6.0f  p99 %6.0f  p99.9 %6.0f   whole stream p50 %7.0f   errors %d%s%n",
          p.target, us(p.latency.getValueAtPercentile(50)), us(p.latency.getValueAtPercentile(99)),
          us(p.latency.getValueAtPercentile(99.9)), us(p.total.getValueAtPercentile(50)), p.errors + p.incomplete,
          p.viaGateway() ? String.format(Locale.ROOT, "   gw CPU %.0f µs/stream", p.gatewayCpuUsPerRequest()) : ""));
    }
    out.append(String.format(Locale.ROOT, "    ADDED   TTFT p50 %6.0f  p99 %6.0f%n",
        added(streaming.direct().latency, streaming.gateway().latency, 50),
        added(streaming.direct().latency, streaming.gateway().latency, 99)));
  }

  private void printConcurrentStreams(StringBuilder out) {
    ConcurrentStreams.Result r = streams;
    out.append(String.format(Locale.ROOT, "(f) %d concurrent streams, %d content chunks %d ms apart, started over %d ms, "
        + "connections already open (µs)%n", r.streams(), o.streamsChunks, o.streamsIntervalMs, o.streamsRampMs));
    out.append("             TTFT p50      p99   worst added gap p50      p99      max   chunk delay p99   open  errors\n");
    for (StreamsRound round : List.of(r.direct(), r.gateway())) {
      Phase p = round.phase;
      out.append(String.format(Locale.ROOT, "    %-7s  %8.0f %8.0f   %19.0f %8.0f %8.0f   %15.0f %6d  %6d%n", p.target,
          us(p.latency.getValueAtPercentile(50)), us(p.latency.getValueAtPercentile(99)),
          us(round.worstAddedGap.getValueAtPercentile(50)), us(round.worstAddedGap.getValueAtPercentile(99)),
          us(round.worstAddedGap.getMaxValue()), us(round.chunkDelay.getValueAtPercentile(99)), round.maxOpen(),
          p.errors + p.incomplete));
    }
    StreamsRound d = r.direct();
    StreamsRound g = r.gateway();
    out.append(String.format(Locale.ROOT, "    ADDED    %8.0f %8.0f   %19.0f %8.0f   (targets: added TTFT <= 1000, "
            + "gateway worst gap p99 <= 5000)%n", added(d.phase.latency, g.phase.latency, 50),
        added(d.phase.latency, g.phase.latency, 99), added(d.worstAddedGap, g.worstAddedGap, 50),
        added(d.worstAddedGap, g.worstAddedGap, 99)));
    out.append(String.format(Locale.ROOT, "    gateway CPU %.1f µs per chunk; in the round %d GCs, max pause %.1f ms; "
            + "the harness's own GCs in the rounds: direct %d, gateway %d%n", g.gatewayCpuUsPerChunk(o.streamsChunks),
        g.gc.collections(), g.gc.maxPauseMs(), d.harnessGcs, g.harnessGcs));
    out.append(String.format(Locale.ROOT, "    gateway RSS idle before %.1f MiB, peak %.1f MiB, 2 s after %.1f MiB: "
            + "%+.1f MiB per 1000 streams (target <= 50)%n", r.rssIdleBeforeKb() / 1024.0, r.rssPeakKb() / 1024.0,
        r.rssAfterKb() / 1024.0, r.rssGrowthMibPer1000()));
    Double heapGrowth = r.heapGrowthMibPer1000();
    out.append(heapGrowth == null ? "    gateway heap after GC: the GC log has no collection before the rounds "
        + "or none during them\n"
        : String.format(Locale.ROOT, "    gateway heap after GC %.1f MiB before, at most %.1f MiB during: %+.1f MiB "
            + "per 1000 streams (an upper bound)%n", r.heapBeforeKb() / 1024.0, r.heapPeakKb() / 1024.0, heapGrowth));
    Phase firstDirect = r.directFirst().phase;
    Phase firstGateway = r.gatewayFirst().phase;
    out.append(String.format(Locale.ROOT, "    first round (opens the connections, not above): TTFT p50/p99 direct %.0f/%.0f, "
            + "gateway %.0f/%.0f; gateway GC max pause %.1f ms%n", us(firstDirect.latency.getValueAtPercentile(50)),
        us(firstDirect.latency.getValueAtPercentile(99)), us(firstGateway.latency.getValueAtPercentile(50)),
        us(firstGateway.latency.getValueAtPercentile(99)), r.gatewayFirst().gc.maxPauseMs()));
    for (StreamsRound round : List.of(r.directFirst(), r.direct(), r.gatewayFirst(), r.gateway())) {
      round.failures().forEach((message, count) -> out.append(String.format(Locale.ROOT,
          "    FAILED %s (%s round): %d x %s%n", round.phase.target, round.measured ? "measured" : "first", count,
          message)));
    }
  }
}
