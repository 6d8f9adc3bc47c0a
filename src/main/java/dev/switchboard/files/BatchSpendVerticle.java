package dev.switchboard.files;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;

/**
 * Polls batches for their spend every {@code general_settings.proxy_batch_polling_interval} seconds,
 * one pass at a time (a slow pass delays the next rather than overlapping it). Deployed as a worker,
 * so reading output files never runs on a request's event loop.
 */
public final class BatchSpendVerticle extends VerticleBase {

  private final BatchSpendPoller poller;
  private final long intervalMillis;
  private long timer = -1;
  private boolean stopped;

  public BatchSpendVerticle(BatchSpendPoller poller, long intervalSeconds) {
    this.poller = poller;
    this.intervalMillis = Math.max(1, intervalSeconds) * 1000;
  }

  @Override
  public Future<?> start() {
    schedule();
    return Future.succeededFuture();
  }

  private void schedule() {
    if (!stopped) {
      timer = vertx.setTimer(intervalMillis, id -> poller.pollOnce().onComplete(done -> schedule()));
    }
  }

  @Override
  public Future<?> stop() {
    stopped = true;
    vertx.cancelTimer(timer);
    return Future.succeededFuture();
  }
}
