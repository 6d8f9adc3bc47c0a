package dev.switchboard.bench;

import dev.switchboard.bench.LoadClient.Target;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The concurrent-streams phase (f): N paced streams (the mock's {@link MockUpstream#PACED_MODEL},
 * stamped chunks) open at once, first directly at the mock, then through the gateway. Each target
 * gets two identical rounds on a pool of N connections of its own: the first opens the N
 * connections (and the gateway's N upstream ones) and is kept out of the printed report, so the
 * measured round's TTFT is not a TCP connect storm; within a round the streams start evenly over
 * the ramp rather than in one burst. The gateway's VmRSS is read idle before its rounds, sampled
 * during them and read again 2 s after; its heap comes from its GC log.
 */
final class ConcurrentStreams {

  /** How long a round waits for its last streams to end after they should have. */
  private static final long DRAIN_LIMIT_NANOS = TimeUnit.SECONDS.toNanos(30);

  /**
   * The phase's four rounds of {@code streams} streams, how long it took, and the gateway's memory
   * around the gateway's rounds: VmRSS idle before and 2 s after, and the heap after the last GC
   * before them (-1 when none had run).
   */
  record Result(int streams, double seconds, StreamsRound directFirst, StreamsRound direct, StreamsRound gatewayFirst,
      StreamsRound gateway, long rssIdleBeforeKb, long rssAfterKb, long heapBeforeKb) {

    /** The highest VmRSS sample of the gateway's two rounds. */
    long rssPeakKb() {
      return Math.max(gatewayFirst.rssPeakKb(), gateway.rssPeakKb());
    }

    /** The largest heap after a GC in the gateway's two rounds; -1 when no GC ran in them. */
    long heapPeakKb() {
      return Math.max(gatewayFirst.gc.maxAfterKb(), gateway.gc.maxAfterKb());
    }

    /** VmRSS growth from idle to the peak, in MiB per 1,000 open streams. */
    double rssGrowthMibPer1000() {
      return perThousandStreamsMib(rssPeakKb() - rssIdleBeforeKb);
    }

    /** Heap-after-GC growth, in MiB per 1,000 open streams; null without a GC before and during. */
    Double heapGrowthMibPer1000() {
      return heapBeforeKb < 0 || heapPeakKb() < 0 ? null : perThousandStreamsMib(heapPeakKb() - heapBeforeKb);
    }

    private double perThousandStreamsMib(long kb) {
      return kb / 1024.0 * 1000 / streams;
    }
  }

  private final HarnessOptions o;
  private final LoadClient client;
  private final LoadRunner runner;
  private final GatewayProcess gateway;

  ConcurrentStreams(HarnessOptions options, LoadClient client, LoadRunner runner, GatewayProcess gateway) {
    this.o = options;
    this.client = client;
    this.runner = runner;
    this.gateway = gateway;
  }

  Result run(int mockPort, int gatewayPort) throws Exception {
    long start = System.nanoTime();
    Target direct = client.target("direct", mockPort, MockUpstream.API_KEY, o.streams, o.upstreamH2);
    StreamsRound directFirst = round(direct, false);
    StreamsRound directMeasured = round(direct, true);
    // Its N idle connections (and the mock's N) would only crowd the harness in the gateway's rounds.
    LoadHarness.await(direct.client().close());

    Target viaGateway = client.target("gateway", gatewayPort, GatewayProcess.MASTER_KEY, o.streams);
    long rssIdleBeforeKb = gateway.memoryKb("VmRSS");
    int gcMark = gateway.gcLog().mark();
    StreamsRound gatewayFirst = round(viaGateway, false);
    StreamsRound gatewayMeasured = round(viaGateway, true);
    LoadHarness.await(viaGateway.client().close());
    Thread.sleep(2000);
    double seconds = (System.nanoTime() - start) / 1e9;
    LoadHarness.log("  the phase took %.1f s", seconds);
    return new Result(o.streams, seconds, directFirst, directMeasured, gatewayFirst, gatewayMeasured, rssIdleBeforeKb,
        gateway.memoryKb("VmRSS"), gateway.gcLog().heapAfterLastBefore(gcMark));
  }

  /** Collections of this JVM so far, and the milliseconds they took. */
  private static long[] harnessGcCountAndMs() {
    long count = 0;
    long ms = 0;
    for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
      count += Math.max(0, collector.getCollectionCount());
      ms += Math.max(0, collector.getCollectionTime());
    }
    return new long[] {count, ms};
  }

  /** N streams started evenly over the ramp, then waited for (at most {@link #DRAIN_LIMIT_NANOS} late). */
  private StreamsRound round(Target target, boolean measured) throws Exception {
    StreamsRound round = new StreamsRound(runner.started(new Phase(target.name(), "streams")), measured);
    round.phase.targetRate = o.streams * 1000.0 / o.streamsRampMs;
    boolean viaGateway = round.phase.viaGateway();
    // The harness's own collections show as gaps in whichever round they fall in, the gateway's or
    // the direct one: collect the last round's streams now, between rounds, so they are not copied
    // in this one. The round's count of them is in the report.
    System.gc();
    long[] harnessGc0 = harnessGcCountAndMs();
    int gcMark = viaGateway ? gateway.gcLog().mark() : 0;
    RssSampler rss = viaGateway ? RssSampler.start(gateway.pid()) : null;
    AtomicLong outstanding = new AtomicLong();
    long[] lagSum = new long[1];
    long rampNanos = TimeUnit.MILLISECONDS.toNanos(o.streamsRampMs);
    long streamNanos = TimeUnit.MILLISECONDS.toNanos((long) o.streamsChunks * o.streamsIntervalMs);
    long base = System.nanoTime() + 5_000_000;

    CpuTicks cpu0 = CpuTicks.read(gateway.pid());
    long wall0 = System.nanoTime();
    Thread pacer = LoadRunner.startPacer(base, (double) rampNanos / o.streams, o.streams, (i, intended, lag) -> {
      lagSum[0] += lag;
      outstanding.incrementAndGet();
      client.loop(i).runOnContext(v -> client.pacedStream(target, round).onComplete(outcome -> {
        round.finished(intended, outcome);
        outstanding.decrementAndGet();
      }));
    });
    pacer.join();
    long deadline = base + rampNanos + streamNanos + DRAIN_LIMIT_NANOS;
    while (outstanding.get() > 0 && System.nanoTime() < deadline) {
      Thread.sleep(1);
    }
    CpuTicks cpu1 = CpuTicks.read(gateway.pid());
    round.close(cpu0, cpu1, (System.nanoTime() - wall0) / 1e9, outstanding.get(), lagSum[0] / 1e3 / o.streams);
    long[] harnessGc1 = harnessGcCountAndMs();
    round.harnessGcs = harnessGc1[0] - harnessGc0[0];
    round.harnessGcMs = harnessGc1[1] - harnessGc0[1];
    if (rss != null) {
      round.rssSamplesKb = rss.stop();
      round.gc = gateway.gcLog().since(gcMark);
    }
    LoadHarness.log("  %-7s %s: %s", target.name(), measured ? "measured" : "first   ", round.summary());
    return round;
  }
}
