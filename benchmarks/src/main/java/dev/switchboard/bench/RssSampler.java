package dev.switchboard.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads a process's VmRSS every {@value #PERIOD_MS} ms on a daemon thread of its own, from start
 * to stop: VmHWM is the peak of the process's whole life, and a run wants the peak of its window.
 */
final class RssSampler {

  static final long PERIOD_MS = 250;

  private final long pid;
  private final List<Long> samplesKb = new ArrayList<>();
  private final Thread thread;

  private RssSampler(long pid) {
    this.pid = pid;
    this.thread = new Thread(this::sample, "harness-rss-sampler");
    thread.setDaemon(true);
  }

  static RssSampler start(long pid) {
    RssSampler sampler = new RssSampler(pid);
    sampler.thread.start();
    return sampler;
  }

  private void sample() {
    while (!Thread.currentThread().isInterrupted()) {
      long kb = ProcFs.statusKb(pid, "VmRSS");
      synchronized (samplesKb) {
        samplesKb.add(kb);
      }
      try {
        Thread.sleep(PERIOD_MS);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /** Stops sampling (one last reading included) and returns every reading, in kB. */
  List<Long> stop() throws InterruptedException {
    thread.interrupt();
    thread.join(2000);
    synchronized (samplesKb) {
      samplesKb.add(ProcFs.statusKb(pid, "VmRSS"));
      return List.copyOf(samplesKb);
    }
  }
}
