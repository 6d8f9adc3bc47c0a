package dev.switchboard.ratelimit;

import java.util.List;
import dev.switchboard.model.Principal;
import dev.switchboard.model.Deployment;
import dev.switchboard.model.Candidates;
import dev.switchboard.model.DeploymentGate;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * The fair queue in front of each model group, over the deployments' rpm, tpm and parallel bounds
 * (counted by {@link DeploymentSlots}). A request takes a slot on a deployment with room, chosen by the group's weighted pick among
 * those that have room; when every deployment of the group is saturated it waits in its tenant's
 * queue (the key's, or the team's when the key has one), served by {@link DrrQueue} as slots free
 * up, until {@code router_settings.queue_timeout} (then 429). Thread-safe: one per gateway.
 *
 * <p>Tenants set their share in their {@code metadata} (the team's for a key with a team):
 * {@code fair_queue_weight} (default 1) and {@code fair_queue_priority} (default 0; a higher
 * priority is served first).
 */
public final class FairQueues implements DeploymentGate {

  public static final String WEIGHT_FIELD = "fair_queue_weight";
  public static final String PRIORITY_FIELD = "fair_queue_priority";

  private final Vertx vertx;
  private final LongSupplier clock;
  private final int maxLength;
  private final long timeoutMs;
  /** The deployments' bounds and counts; this class owns only who waits for them. */
  private final DeploymentSlots slots = new DeploymentSlots();
  private final Map<String, GroupQueue> queues = new ConcurrentHashMap<>();
  private final AtomicInteger depth = new AtomicInteger();
  private final AtomicLong served = new AtomicLong();
  private final AtomicLong waitNanos = new AtomicLong();
  private final AtomicLong maxWaitNanos = new AtomicLong();
  private final AtomicLong timedOut = new AtomicLong();
  private final AtomicLong rejected = new AtomicLong();

  /** A waiting request. */
  private static final class Waiter {
    final Promise<Deployment> promise = Promise.promise();
    /** The router's view of the group for this request (its strategy and filters hold while it waits). */
    final Candidates candidates;
    final Context context = Vertx.currentContext();
    final long tokens;
    final String tenant;
    final int priority;
    final long since = System.nanoTime();
    long timer = -1;

    Waiter(Candidates candidates, long tokens, String tenant, int priority) {
      this.candidates = candidates;
      this.tokens = tokens;
      this.tenant = tenant;
      this.priority = priority;
    }
  }

  /** One model group's queue; its monitor guards the queue and the taking of its deployments' slots. */
  private static final class GroupQueue {
    final DrrQueue<Waiter> waiting = new DrrQueue<>();
    long wakeTimer = -1;
  }

  public FairQueues(Vertx vertx, List<Deployment> deployments, LongSupplier clock, int maxLength, long timeoutMs) {
    this.vertx = vertx;
    this.clock = clock;
    this.maxLength = maxLength;
    this.timeoutMs = timeoutMs;
    adopt(deployments);
  }

  /**
   * Takes the deployment limits of a (re)loaded model list. Counters are keyed by deployment id,
   * so a deployment that keeps its id keeps its counts under its new limits.
   */
  public void adopt(List<Deployment> deployments) {
    slots.adopt(deployments);
  }

  @Override
  public Future<Deployment> admit(Candidates group, Principal principal, long tokens) {
    if (!slots.limits(group.name())) {
      return Future.succeededFuture(group.pick(d -> true));
    }
    GroupQueue queue = queues.computeIfAbsent(group.name(), name -> new GroupQueue());
    long now = clock.getAsLong();
    Waiter waiter;
    synchronized (queue) {
      if (queue.waiting.isEmpty()) {
        Deployment picked = group.pick(d -> slots.take(d, now, tokens));
        if (picked != null) {
          return Future.succeededFuture(picked);
        }
      }
      QueueTenant tenant = QueueTenant.of(principal);
      int waiting = queue.waiting.length(tenant.id());
      if (waiting >= maxLength) {
        rejected.incrementAndGet();
        return Future.failedFuture(Denials.queueFull(group.name(), waiting, slots.retryMs(group, now)));
      }
      waiter = new Waiter(group, tokens, tenant.id(), tenant.priority());
      queue.waiting.add(tenant.id(), tenant.weight(), tenant.priority(), waiter);
      depth.incrementAndGet();
      waiter.timer = vertx.setTimer(timeoutMs, id -> expire(group, queue, waiter));
      wakeAtWindowEnd(group.name(), queue, now);
    }
    return waiter.promise.future();
  }

  /** A request that held a slot on {@code deployment} has ended: give the slot back and serve who waits. */
  void released(Deployment deployment, long admittedWindow, long estimate, long actual) {
    if (slots.release(deployment, admittedWindow, clock.getAsLong(), estimate, actual)) {
      dispatch(deployment.modelGroup());
    }
  }

  /**
   * The deployment's rpm and tpm as counted in Redis over every gateway (its parallel bound stays
   * this gateway's: in-flight counts are per node); null when it has neither.
   */
  Scope sharedScope(Deployment deployment) {
    return slots.sharedScope(deployment);
  }

  /**
   * Redis said {@code deployment} is full this minute over all gateways: it is skipped until the
   * window ends, and the slot this gateway took on it for a request of {@code tokens} is given back.
   */
  void saturated(Deployment deployment, long nowMs, long tokens) {
    slots.saturated(deployment, nowMs, tokens);
    dispatch(deployment.modelGroup());
  }

  /** Serves waiting requests of {@code group} while its deployments have room. */
  void dispatch(String group) {
    GroupQueue queue = queues.get(group);
    if (queue == null) {
      return;
    }
    long now = clock.getAsLong();
    synchronized (queue) {
      while (!queue.waiting.isEmpty()) {
        Waiter next = queue.waiting.next();
        Deployment picked = next.candidates.pick(d -> slots.take(d, now, next.tokens));
        if (picked == null) {
          queue.waiting.putBack(next.tenant, next.priority, next);
          break;
        }
        depth.decrementAndGet();
        vertx.cancelTimer(next.timer);
        long waited = System.nanoTime() - next.since;
        served.incrementAndGet();
        waitNanos.addAndGet(waited);
        maxWaitNanos.accumulateAndGet(waited, Math::max);
        complete(next, picked);
      }
      wakeAtWindowEnd(group, queue, now);
    }
  }

  private void expire(Candidates group, GroupQueue queue, Waiter waiter) {
    synchronized (queue) {
      if (!queue.waiting.remove(waiter.tenant, waiter)) {
        return;
      }
    }
    depth.decrementAndGet();
    timedOut.incrementAndGet();
    long now = clock.getAsLong();
    waiter.promise.fail(Denials.queueTimeout(group.name(), (System.nanoTime() - waiter.since) / 1_000_000,
        slots.retryMs(group, now)));
  }

  private static void complete(Waiter waiter, Deployment deployment) {
    if (waiter.context != null) {
      waiter.context.runOnContext(v -> waiter.promise.complete(deployment));
    } else {
      waiter.promise.complete(deployment);
    }
  }

  /** Slots bounded per minute free up when the window ends, with no release to announce it. */
  private void wakeAtWindowEnd(String group, GroupQueue queue, long now) {
    if (queue.waiting.isEmpty() || queue.wakeTimer >= 0) {
      return;
    }
    queue.wakeTimer = vertx.setTimer(Windows.untilEnd(now) + 1, id -> {
      synchronized (queue) {
        queue.wakeTimer = -1;
      }
      dispatch(group);
    });
  }

  /** Requests waiting now, over every model group (for metrics). */
  public int queueDepth() {
    return depth.get();
  }

  /** Requests waiting now for one model group. */
  public int queueDepth(String model) {
    GroupQueue queue = queues.get(model);
    if (queue == null) {
      return 0;
    }
    synchronized (queue) {
      return queue.waiting.size();
    }
  }

  /** Requests that waited and were then served. */
  public long servedAfterWaiting() {
    return served.get();
  }

  /** Total time the served requests waited, in nanoseconds (mean = this / servedAfterWaiting). */
  public long totalWaitNanos() {
    return waitNanos.get();
  }

  public long maxWaitNanos() {
    return maxWaitNanos.get();
  }

  /** Requests that waited until queue_timeout and got a 429. */
  public long timedOut() {
    return timedOut.get();
  }

  /** Requests turned away because their tenant's queue was full. */
  public long rejectedQueueFull() {
    return rejected.get();
  }
}
