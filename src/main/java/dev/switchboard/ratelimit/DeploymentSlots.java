package dev.switchboard.ratelimit;

import dev.switchboard.model.Deployment;
import dev.switchboard.model.Candidates;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The deployments' rpm, tpm and parallel bounds as this gateway counts them: owns the limits of
 * the model list in force (and of those a reload retired), the local counters, and the windows in
 * which Redis said a deployment is full over all gateways. {@link FairQueues} asks it for slots;
 * it knows nothing of who waits. Thread-safe.
 */
final class DeploymentSlots {

  private final LocalCounters counters = new LocalCounters();
  /** Per-deployment limits of the model list in force, swapped whole by a reload. */
  private volatile Map<String, Scope> scopes = Map.of();
  private volatile Set<String> limitedGroups = Set.of();
  /** Limits of deployments a reload removed or unlimited, so the requests still on them give their slots back. */
  private final Map<String, Scope> retiredScopes = new ConcurrentHashMap<>();
  /**
   * Deployments Redis said are at their rpm or tpm over all gateways: deployment id to the window
   * (minute) they are full in. The gate skips them without asking Redis again until it ends.
   */
  private final Map<String, Long> saturated = new ConcurrentHashMap<>();

  /**
   * Takes the deployment limits of a (re)loaded model list. Counters are keyed by deployment id,
   * so a deployment that keeps its id keeps its counts under its new limits.
   */
  synchronized void adopt(List<Deployment> deployments) {
    Map<String, Scope> next = new HashMap<>();
    Set<String> groups = new HashSet<>();
    for (Deployment d : deployments) {
      if (d.limited()) {
        groups.add(d.modelGroup());
        next.put(d.id(), new Scope("d:" + d.id(), "d:" + d.id(), null, "deployment " + d.id(),
            Scope.Field.DEPLOYMENT, positive(d.rpm()), positive(d.tpm()), positive(d.maxParallelRequests())));
      }
    }
    scopes.forEach((id, scope) -> {
      if (!next.containsKey(id)) {
        retiredScopes.put(id, scope);
      }
    });
    next.keySet().forEach(retiredScopes::remove);
    scopes = Map.copyOf(next);
    limitedGroups = Set.copyOf(groups);
  }

  /** Whether any deployment of the model group has a bound (else requests pass without a slot). */
  boolean limits(String group) {
    return limitedGroups.contains(group);
  }

  /** Takes a slot on the deployment for a request of {@code tokens}; true when it had room or no bound. */
  boolean take(Deployment deployment, long now, long tokens) {
    Scope scope = scopes.get(deployment.id());
    return scope == null || (!saturatedNow(deployment, now) && counters.tryTake(scope, now, tokens));
  }

  /** Gives back the slot a request held; false when the deployment has (and had) no bound. */
  boolean release(Deployment deployment, long admittedWindow, long now, long estimate, long actual) {
    Scope scope = scopes.get(deployment.id());
    if (scope == null) {
      scope = retiredScopes.get(deployment.id());
    }
    if (scope == null) {
      return false;
    }
    counters.release(List.of(scope), admittedWindow, now, estimate, actual);
    return true;
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

  /** Marks the deployment full for the window of {@code nowMs} and gives back the slot taken for {@code tokens}. */
  void saturated(Deployment deployment, long nowMs, long tokens) {
    saturated.put(deployment.id(), Windows.of(nowMs));
    Scope scope = scopes.get(deployment.id());
    if (scope != null) {
      counters.giveBack(scope, nowMs, tokens);
    }
  }

  /** When to retry: at the window's end when rpm or tpm bound every deployment, else in a second. */
  long retryMs(Candidates group, long now) {
    for (Deployment d : group.deployments()) {
      Scope scope = scopes.get(d.id());
      if (scope == null || (!saturatedNow(d, now) && counters.hasRoom(withoutParallel(scope), now, 0))) {
        return Windows.PARALLEL_RETRY_MS;
      }
    }
    return Windows.untilEnd(now);
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

  private static Scope withoutParallel(Scope s) {
    return new Scope(s.id(), s.redisTag(), s.model(), s.holder(), s.field(), s.rpm(), s.tpm(), 0);
  }

  private static long positive(Integer value) {
    return value == null || value <= 0 ? 0 : value;
  }
}
