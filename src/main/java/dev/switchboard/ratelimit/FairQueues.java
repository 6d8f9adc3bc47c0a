package dev.switchboard.ratelimit;

import dev.switchboard.model.Principal;
import dev.switchboard.model.VirtualKey;
import dev.switchboard.provider.Deployment;
import dev.switchboard.routing.Candidates;
import dev.switchboard.routing.DeploymentGate;
import dev.switchboard.routing.ModelRegistry;
import dev.switchboard.routing.PickRequest;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * The deployments' rpm, tpm and parallel bounds, and the fair queue in front of each model group.
 * A request takes a slot on a deployment with room, chosen by the group's weighted pick among
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
  private final LocalCounters counters = new LocalCounters();
  /** Per-deployment limits of the model list in force, swapped whole by a reload. */
  private volatile Map<String, Scope> scopes = Map.of();
  private volatile java.util.Set<String> limitedGroups = java.util.Set.of();
  /** Limits of deployments a reload removed or unlimited, so the requests still on them give their slots back. */
  private final Map<String, Scope> retiredScopes = new ConcurrentHashMap<>();
  private final Map<String, GroupQueue> queues = new ConcurrentHashMap<>();
  /**
   * Deployments Redis said are at their rpm or tpm over all gateways: deployment id to the window
   * (minute) they are full in. The gate skips them without asking Redis again until it ends.
   */
  private final Map<String, Long> saturated = new ConcurrentHashMap<>();
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

  public FairQueues(Vertx vertx, ModelRegistry registry, LongSupplier clock, int maxLength, long timeoutMs) {
    this.vertx = vertx;
    this.clock = clock;
    this.maxLength = maxLength;
    this.timeoutMs = timeoutMs;
    adopt(registry);
  }

  /**
   * Takes the deployment limits of a (re)loaded model list. Counters are keyed by deployment id,
   * so a deployment that keeps its id keeps its counts under its new limits.
   */
  public synchronized void adopt(ModelRegistry registry) {
    Map<String, Scope> next = new HashMap<>();
    java.util.Set<String> groups = new java.util.HashSet<>();
    for (String name : registry.modelNames()) {
      for (Deployment d : registry.group(name).deployments()) {
        if (d.limited()) {
          groups.add(name);
          next.put(d.id(), new Scope("d:" + d.id(), "d:" + d.id(), null, "deployment " + d.id(),
              Scope.Field.DEPLOYMENT, positive(d.rpm()), positive(d.tpm()), positive(d.maxParallelRequests())));
        }
      }
    }
    scopes.forEach((id, scope) -> {
      if (!next.containsKey(id)) {
        retiredScopes.put(id, scope);
      }
    });
    next.keySet().forEach(retiredScopes::remove);
    scopes = Map.copyOf(next);
    limitedGroups = java.util.Set.copyOf(groups);
  }

  @Override
  public Future<Deployment> admit(Candidates group, PickRequest request) {
    if (!limitedGroups.contains(group.name())) {
      return Future.succeededFuture(group.pick(d -> true));
    }
    GroupQueue queue = queues.computeIfAbsent(group.name(), name -> new GroupQueue());
    long now = clock.getAsLong();
    long tokens = request.estimatedTokens();
    Waiter waiter;
    synchronized (queue) {
      if (queue.waiting.isEmpty()) {
        Deployment picked = group.pick(d -> take(d, now, tokens));
        if (picked != null) {
          return Future.succeededFuture(picked);
        }
      }
      Tenant tenant = Tenant.of(request.principal());
      int waiting = queue.waiting.length(tenant.id);
      if (waiting >= maxLength) {
        rejected.incrementAndGet();
        return Future.failedFuture(Denials.queueFull(group.name(), waiting, retryMs(group, now)));
      }
      waiter = new Waiter(group, tokens, tenant.id, tenant.priority);
      queue.waiting.add(tenant.id, tenant.weight, tenant.priority, waiter);
      depth.incrementAndGet();
      waiter.timer = vertx.setTimer(timeoutMs, id -> expire(group, queue, waiter));
      wakeAtWindowEnd(group.name(), queue, now);
    }
    return waiter.promise.future();
  }

  /** A request that held a slot on {@code deployment} has ended: give the slot back and serve who waits. */
  void released(Deployment deployment, long admittedWindow, long estimate, long actual) {
    Scope scope = scopes.get(deployment.id());
    if (scope == null) {
      scope = retiredScopes.get(deployment.id());
    }
    if (scope == null) {
      return;
    }
    counters.release(java.util.List.of(scope), admittedWindow, clock.getAsLong(), estimate, actual);
    dispatch(deployment.modelGroup());
  }

  /**
   * The deployment's rpm and tpm as counted in Redis over every gateway (its parallel bound stays
   * this gateway's: in-flight counts are per node); null when it has neither.
   */
  Scope sharedScope(Deployment deployment) {
    Scope s = scopes.get(deployment.id());
    if (s == null || (s.rpm() == 0 && s.tpm() == 0)) {
      return null;
    }
    return withoutParallel(s);
  }

  /**
   * Redis said {@code deployment} is full this minute over all gateways: it is skipped until the
   * window ends, and the slot this gateway took on it for a request of {@code tokens} is given back.
   */
  void saturated(Deployment deployment, long nowMs, long tokens) {
    saturated.put(deployment.id(), Windows.of(nowMs));
    Scope scope = scopes.get(deployment.id());
    if (scope != null) {
      counters.giveBack(scope, nowMs, tokens);
    }
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
        Deployment picked = next.candidates.pick(d -> take(d, now, next.tokens));
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
        retryMs(group, now)));
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

  private boolean take(Deployment deployment, long now, long tokens) {
    Scope scope = scopes.get(deployment.id());
    return scope == null || (!saturatedNow(deployment, now) && counters.tryTake(scope, now, tokens));
  }

  private boolean saturatedNow(Deployment deployment, long now) {
    Long window = saturated.get(deployment.id());
    if (window == null) {
      return false;
    }
    if (window == Windows.of(now)) {
      return true;
    }
    saturated.remove(deployment.id(), window);
    return false;
  }

  /** When to retry: at the window's end when rpm or tpm bound every deployment, else in a second. */
  private long retryMs(Candidates group, long now) {
    for (Deployment d : group.deployments()) {
      Scope scope = scopes.get(d.id());
      if (scope == null || (!saturatedNow(d, now) && counters.hasRoom(withoutParallel(scope), now, 0))) {
        return Windows.PARALLEL_RETRY_MS;
      }
    }
    return Windows.untilEnd(now);
  }

  private static Scope withoutParallel(Scope s) {
    return new Scope(s.id(), s.redisTag(), s.model(), s.holder(), s.field(), s.rpm(), s.tpm(), 0);
  }

  private static long positive(Integer value) {
    return value == null || value <= 0 ? 0 : value;
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

  /** Who waits in which queue and with what share: the team when the key has one, else the key. */
  record Tenant(String id, double weight, int priority) {

    static Tenant of(Principal principal) {
      VirtualKey key = principal.key();
      if (key == null) {
        return new Tenant("caller:" + principal.keyAlias(), 1, 0);
      }
      boolean team = key.teamId() != null;
      JsonObject metadata = team ? key.teamMetadata() : key.metadata();
      double weight = metadata != null && metadata.getValue(WEIGHT_FIELD) instanceof Number n ? n.doubleValue() : 1;
      int priority = metadata != null && metadata.getValue(PRIORITY_FIELD) instanceof Number n ? n.intValue() : 0;
      String id = (team ? "team:" + key.teamId() : "key:" + key.tokenHash()) + "|" + priority;
      return new Tenant(id, weight <= 0 ? 1 : weight, priority);
    }
  }
}
