package dev.switchboard.callbacks;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One sink's delivery, off the request path: a queue bounded in events and in bytes held (a full
 * queue drops the new event and counts it, so a slow or dead sink costs neither latency nor
 * memory), drained in batches on the sink's own context when a batch is full or every flush
 * interval, each batch posted with retries and backoff; a batch that still fails is dropped and counted.
 */
final class SinkQueue {

  private static final Logger LOG = Logger.getLogger(SinkQueue.class.getName());
  static final int MAX_ATTEMPTS = 3;
  static final long FIRST_BACKOFF_MS = 500;
  static final long MAX_BACKOFF_MS = 10_000;

  final String name;
  private final ArrayBlockingQueue<LoggedCall> queue;
  private final long maxBytes;
  private final int batchSize;
  private final Function<List<JsonObject>, Future<Void>> deliver;
  private final AtomicLong queuedBytes = new AtomicLong();
  private final AtomicBoolean busy = new AtomicBoolean();
  private final LongAdder dropped = new LongAdder();
  private final LongAdder delivered = new LongAdder();
  private final LongAdder failedPosts = new LongAdder();
  private volatile Context context;
  private volatile boolean closing;
  private long timer = -1;
  private boolean warned;

  /** @param deliver sends one batch of payloads (a post, or an upload per event); fails when the sink did not take it */
  SinkQueue(String name, int capacity, long maxBytes, int batchSize, Function<List<JsonObject>, Future<Void>> deliver) {
    this.name = name;
    this.queue = new ArrayBlockingQueue<>(capacity);
    this.maxBytes = maxBytes;
    this.batchSize = batchSize;
    this.deliver = deliver;
  }

  /** Drains on {@code context}, at the latest every {@code flushIntervalMs}. */
  void start(Context context, long flushIntervalMs) {
    this.context = context;
    context.runOnContext(v -> timer = context.owner().setPeriodic(flushIntervalMs, id -> kick()));
  }

  /** Never blocks and never waits: the event is queued, or dropped and counted. */
  void offer(LoggedCall call) {
    if (closing || queuedBytes.addAndGet(call.bytes) > maxBytes) {
      if (!closing) {
        queuedBytes.addAndGet(-call.bytes);
      }
      dropped.increment();
      return;
    }
    if (!queue.offer(call)) {
      queuedBytes.addAndGet(-call.bytes);
      dropped.increment();
      return;
    }
    if (queue.size() >= batchSize) {
      kick();
    }
  }

  private void kick() {
    Context owner = context;
    if (owner != null && busy.compareAndSet(false, true)) {
      owner.runOnContext(v -> drain());
    }
  }

  /** One batch; then the next while events wait. Runs on the sink's context, one batch at a time. */
  private void drain() {
    List<LoggedCall> batch = new ArrayList<>(Math.min(batchSize, queue.size() + 1));
    queue.drainTo(batch, batchSize);
    if (batch.isEmpty()) {
      busy.set(false);
      if (!queue.isEmpty()) {
        kick();
      }
      return;
    }
    long bytes = 0;
    List<JsonObject> payloads = new ArrayList<>(batch.size());
    for (LoggedCall call : batch) {
      bytes += call.bytes;
      try {
        payloads.add(call.payload());
      } catch (RuntimeException e) {
        dropped.increment();
        LOG.log(Level.WARNING, "Cannot build the logging event of request " + call.event.requestId() + " for " + name, e);
      }
    }
    queuedBytes.addAndGet(-bytes);
    if (payloads.isEmpty()) {
      drain();
      return;
    }
    send(payloads, 1);
  }

  private void send(List<JsonObject> payloads, int attempt) {
    int count = payloads.size();
    Future<Void> sent;
    try {
      sent = deliver.apply(payloads);
    } catch (RuntimeException e) {
      sent = Future.failedFuture(e);
    }
    sent.onComplete(done -> {
      if (done.succeeded()) {
        delivered.add(count);
        warned = false;
        drain();
        return;
      }
      failedPosts.increment();
      if (attempt < MAX_ATTEMPTS && !closing) {
        long backoff = Math.min(MAX_BACKOFF_MS, FIRST_BACKOFF_MS << (attempt - 1));
        long jittered = backoff / 2 + ThreadLocalRandom.current().nextLong(backoff / 2 + 1);
        context.owner().setTimer(jittered, t -> send(payloads, attempt + 1));
        return;
      }
      dropped.add(count);
      if (!warned) { // once per outage of the sink, not once per batch
        warned = true;
        LOG.warning("Logging callback " + name + " is failing (" + done.cause().getMessage() + "); " + count
            + " events dropped; switchboard_callback_events_dropped_total counts them");
      }
      drain();
    });
  }

  /** Posts what is queued once more (no retries), for at most {@code waitMs}; then nothing more is taken. */
  Future<Void> close(long waitMs) {
    Context owner = context;
    if (owner == null) {
      closing = true;
      return Future.succeededFuture();
    }
    Promise<Void> closed = Promise.promise();
    owner.runOnContext(v -> {
      if (timer != -1) {
        owner.owner().cancelTimer(timer);
      }
      closing = true;
      kick();
      long deadline = System.currentTimeMillis() + waitMs;
      owner.owner().setPeriodic(20, id -> {
        if ((queue.isEmpty() && !busy.get()) || System.currentTimeMillis() > deadline) {
          owner.owner().cancelTimer(id);
          closed.tryComplete();
        }
      });
    });
    return closed.future();
  }

  long dropped() {
    return dropped.sum();
  }

  long delivered() {
    return delivered.sum();
  }

  long failedPosts() {
    return failedPosts.sum();
  }

  int queued() {
    return queue.size();
  }
}
