package dev.switchboard.routing;

import dev.switchboard.model.Candidates;
import dev.switchboard.model.Deployment;
import dev.switchboard.model.Price;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;

/**
 * The router's view of a model group for one request: the deployments its tags and prompt size
 * allow, those available at the moment of the pick (no cooldown, no open circuit, not already
 * failed for this request unless nothing else is left), lower {@code order} first, then by the
 * strategy's score, ties broken at random.
 */
final class Selection implements Candidates {

  private final ModelGroup group;
  private final DeploymentState[] pool;
  private final Price[] prices;
  private final DeploymentStates states;
  private final Strategy strategy;
  private final Set<String> excluded;
  private final boolean stream;

  Selection(ModelGroup group, DeploymentState[] pool, Price[] prices, DeploymentStates states, Strategy strategy,
      Set<String> excluded, boolean stream) {
    this.group = group;
    this.pool = pool;
    this.prices = prices;
    this.states = states;
    this.strategy = strategy;
    this.excluded = excluded;
    this.stream = stream;
  }

  @Override
  public String name() {
    return group.name();
  }

  @Override
  public List<Deployment> deployments() {
    return group.deployments();
  }

  /** Some deployment could be picked now, limits aside. */
  boolean anyAvailable() {
    long now = states.now();
    for (DeploymentState state : pool) {
      if (states.available(state, now)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Panic mode (the whole group is unavailable and nothing else can serve the request): every open
   * circuit whose probe interval has passed turns half-open, so one probe each goes through.
   */
  boolean hastenProbes() {
    long now = states.now();
    boolean any = false;
    for (DeploymentState state : pool) {
      any |= !state.coolingDown(now) && state.breaker.hasten(now);
    }
    return any;
  }

  @Override
  public Deployment pick(Predicate<Deployment> take) {
    int n = pool.length;
    long now = states.now();
    int[] live = new int[n];
    int m = 0;
    for (int i = 0; i < n; i++) {
      if (states.available(pool[i], now) && !excluded.contains(pool[i].deployment.id())) {
        live[m++] = i;
      }
    }
    if (m == 0 && !excluded.isEmpty()) {
      // Every available deployment already failed this request: a retry may go to one of them again.
      for (int i = 0; i < n; i++) {
        if (states.available(pool[i], now)) {
          live[m++] = i;
        }
      }
    }
    if (m == 0) {
      return null;
    }
    if (m == 1) {
      Deployment only = pool[live[0]].deployment;
      return take.test(only) ? only : null;
    }
    ThreadLocalRandom random = ThreadLocalRandom.current();
    boolean exploring = strategy.explores(random);
    double[] scores = new double[m];
    double[] ties = new double[m];
    for (int k = 0; k < m; k++) {
      int i = live[k];
      scores[k] = strategy.score(pool[i], prices[i], now, stream, exploring, random);
      ties[k] = random.nextDouble();
    }
    sort(live, scores, ties, m);
    for (int k = 0; k < m; k++) {
      Deployment candidate = pool[live[k]].deployment;
      if (take.test(candidate)) {
        return candidate;
      }
    }
    return null;
  }

  /** Insertion sort by (order, score, tie): groups hold a handful of deployments. */
  private void sort(int[] live, double[] scores, double[] ties, int m) {
    for (int a = 1; a < m; a++) {
      int index = live[a];
      double score = scores[a];
      double tie = ties[a];
      int order = pool[index].deployment.order();
      int b = a - 1;
      while (b >= 0 && before(order, score, tie, pool[live[b]].deployment.order(), scores[b], ties[b])) {
        live[b + 1] = live[b];
        scores[b + 1] = scores[b];
        ties[b + 1] = ties[b];
        b--;
      }
      live[b + 1] = index;
      scores[b + 1] = score;
      ties[b + 1] = tie;
    }
  }

  private static boolean before(int order, double score, double tie, int otherOrder, double otherScore, double otherTie) {
    if (order != otherOrder) {
      return order < otherOrder;
    }
    if (score != otherScore) {
      return score < otherScore;
    }
    return tie < otherTie;
  }
}
