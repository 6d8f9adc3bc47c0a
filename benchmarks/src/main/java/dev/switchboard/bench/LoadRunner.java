package dev.switchboard.bench;

import dev.switchboard.bench.LoadClient.Target;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Recorder;

/**
 * Runs bounded load against a target and measures it: closed loop for throughput, open loop for
 * latency at a fixed rate, and the open loop over streams for time to first token. Each run has a
 * warm-up that is not recorded, and reads the gateway's CPU time over its measured window.
 */
final class LoadRunner {

  private final LoadClient client;
  private final long gatewayPid;
  private final int concurrency;
  private final long maxRequests;
  private final List<Phase> ran = new ArrayList<>();

  LoadRunner(LoadClient client, long gatewayPid, int concurrency, long maxRequests) {
    this.client = client;
    this.gatewayPid = gatewayPid;
    this.concurrency = concurrency;
    this.maxRequests = maxRequests;
  }

  /** Every run so far, the JIT warm-up included (the noise line covers them all). */
  List<Phase> ran() {
    return ran;
  }

  /** The first error of a run, kept as its example; later ones are only counted. */
  private static final class Errors {
    final AtomicLong count = new AtomicLong();
    volatile String first;

    void add(AsyncResult<?> failed) {
      count.incrementAndGet();
      first = first == null ? String.valueOf(failed.cause()) : first;
    }
  }

  /**
   * Closed loop: {@code concurrency} callers, each sending the next request when the last answers;
   * with {@code streamEvery} > 0, every streamEvery-th caller makes streaming calls instead.
   */
  Phase closedLoop(Target target, double warmupS, double durationS, int streamEvery) throws Exception {
    Phase phase = started(new Phase(target.name(), "closed"));
    Recorder recorder = new Recorder(3);
    Errors errors = new Errors();
    AtomicLong sent = new AtomicLong();
    AtomicLong lastDone = new AtomicLong();
    long start = System.nanoTime();
    long measureStart = start + (long) (warmupS * 1e9);
    long end = measureStart + (long) (durationS * 1e9);
    CountDownLatch finished = new CountDownLatch(concurrency);

    class Caller {
      final boolean streaming;

      Caller(boolean streaming) {
        this.streaming = streaming;
      }

      void next() {
        long now = System.nanoTime();
        if (now >= end || sent.incrementAndGet() > maxRequests) {
          finished.countDown();
          return;
        }
        Future<?> answer = streaming ? client.stream(target) : client.call(target);
        answer.onComplete(result -> {
          long done = System.nanoTime();
          if (done >= measureStart && done <= end) {
            lastDone.accumulateAndGet(done, Math::max);
            if (result.succeeded()) {
              recorder.recordValue(done - now);
            } else {
              errors.add(result);
            }
          }
          next();
        });
      }
    }
    for (int i = 0; i < concurrency; i++) {
      Caller caller = new Caller(streamEvery > 0 && i % streamEvery == streamEvery - 1);
      client.loop(i).runOnContext(v -> caller.next());
    }
    sleepUntil(measureStart);
    recorder.reset();
    errors.count.set(0);
    CpuTicks cpu0 = CpuTicks.read(gatewayPid);
    long wall0 = System.nanoTime();
    finished.await(Math.max(0, end - System.nanoTime()), TimeUnit.NANOSECONDS);
    CpuTicks cpu1 = CpuTicks.read(gatewayPid);
    long wall1 = Math.min(System.nanoTime(), end);
    if (!finished.await(60, TimeUnit.SECONDS)) {
      phase.incomplete = finished.getCount();
    }
    phase.latency = recorder.getIntervalHistogram();
    phase.ok = phase.latency.getTotalCount();
    phase.errors = errors.count.get();
    phase.firstError = errors.first;
    // Stopped by --max-requests: the window ends with the last answer, not at the deadline.
    long measuredEnd = sent.get() > maxRequests ? Math.min(wall1, lastDone.get()) : wall1;
    phase.seconds = (measuredEnd - wall0) / 1e9;
    phase.cpu(cpu0, cpu1);
    return phase;
  }

  /**
   * Open loop: sends at fixed intervals from a pacing thread, whatever the answers do, and times
   * each call from its INTENDED send time, so a stall delays (and is charged to) every request
   * scheduled during it rather than silently lowering the rate (no coordinated omission). A
   * streaming call's latency is its time to first token; its whole-stream time goes to {@code total}.
   */
  Phase openLoop(Target target, int rate, double warmupS, double durationS, boolean streaming) throws Exception {
    Phase phase = started(new Phase(target.name(), streaming ? "stream" : "open"));
    phase.targetRate = rate;
    Recorder recorder = new Recorder(3);
    Recorder totals = new Recorder(3);
    Errors errors = new Errors();
    AtomicLong outstanding = new AtomicLong();
    long warmCount = Math.round(warmupS * rate);
    long count = warmCount + Math.round(durationS * rate);
    double interval = 1e9 / rate;
    long base = System.nanoTime() + 5_000_000;
    long measureStart = base + (long) (warmCount * interval);
    long[] lagSum = new long[1];

    Thread pacer = startPacer(base, interval, count, (i, intended, lag) -> {
      boolean measured = i >= warmCount;
      if (measured) {
        lagSum[0] += lag;
      }
      outstanding.incrementAndGet();
      client.loop(i).runOnContext(v -> {
        if (streaming) {
          client.stream(target).onComplete(result -> {
            if (measured) {
              if (result.succeeded()) {
                recorder.recordValue(Math.max(0, result.result()[0] - intended));
                totals.recordValue(Math.max(0, result.result()[1] - intended));
              } else {
                errors.add(result);
              }
            }
            outstanding.decrementAndGet();
          });
        } else {
          client.call(target).onComplete(result -> {
            long done = System.nanoTime();
            if (measured) {
              if (result.succeeded()) {
                recorder.recordValue(Math.max(0, done - intended));
              } else {
                errors.add(result);
              }
            }
            outstanding.decrementAndGet();
          });
        }
      });
    });
    sleepUntil(measureStart);
    CpuTicks cpu0 = CpuTicks.read(gatewayPid);
    long wall0 = System.nanoTime();
    pacer.join();
    long drainDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(streaming ? 30 : 10);
    while (outstanding.get() > 0 && System.nanoTime() < drainDeadline) {
      Thread.sleep(1);
    }
    CpuTicks cpu1 = CpuTicks.read(gatewayPid);
    long wall1 = System.nanoTime();
    phase.latency = recorder.getIntervalHistogram();
    phase.total = streaming ? totals.getIntervalHistogram() : null;
    phase.ok = phase.latency.getTotalCount();
    phase.errors = errors.count.get();
    phase.incomplete = outstanding.get();
    phase.firstError = errors.first;
    phase.seconds = (wall1 - wall0) / 1e9;
    phase.meanPacerLagUs = lagSum[0] / 1e3 / Math.max(1, count - warmCount);
    phase.cpu(cpu0, cpu1);
    return phase;
  }

  /** Adds a run to {@link #ran()}: every measured run, whoever ran it, counts for the noise line. */
  Phase started(Phase phase) {
    ran.add(phase);
    return phase;
  }

  /** What a pacer does at each send time: call {@code i}, when it was due, how late the pacer woke. */
  interface Send {
    void at(long i, long intendedNanos, long lagNanos);
  }

  /**
   * Starts a daemon thread that calls {@code send} at base + i × interval for each i below count,
   * whatever the answers do; it ends after the last send.
   */
  static Thread startPacer(long base, double intervalNanos, long count, Send send) {
    Thread pacer = new Thread(() -> {
      for (long i = 0; i < count; i++) {
        long intended = base + (long) (i * intervalNanos);
        sleepUntil(intended);
        send.at(i, intended, System.nanoTime() - intended);
      }
    }, "harness-pacer");
    pacer.setDaemon(true);
    pacer.start();
    return pacer;
  }

  /** Parks until a System.nanoTime() deadline; parkNanos may wake early, so it loops. */
  static void sleepUntil(long deadlineNanos) {
    long remaining;
    while ((remaining = deadlineNanos - System.nanoTime()) > 0) {
      LockSupport.parkNanos(remaining);
    }
  }
}
