package dev.switchboard.routing;

import dev.switchboard.model.Candidates;
import dev.switchboard.model.Deployment;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;

/** The deployments behind one model name, with LiteLLM's weighted {@code simple-shuffle}. */
public final class ModelGroup implements Candidates {

  private final String name;
  private final List<Deployment> deployments;
  private final double[] cumulativeWeights;

  ModelGroup(String name, List<Deployment> deployments) {
    this.name = name;
    this.deployments = List.copyOf(deployments);
    this.cumulativeWeights = new double[deployments.size()];
    double total = 0;
    for (int i = 0; i < deployments.size(); i++) {
      total += deployments.get(i).weight();
      cumulativeWeights[i] = total;
    }
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public List<Deployment> deployments() {
    return deployments;
  }

  /**
   * This group's deployment with {@code picked}'s id: a wildcard group's deployments call the
   * requested model, while routing state keeps the configured one.
   */
  Deployment same(Deployment picked) {
    if (picked == null) {
      return null;
    }
    for (Deployment d : deployments) {
      if (d == picked) {
        return d;
      }
      if (d.id().equals(picked.id())) {
        return d;
      }
    }
    return picked;
  }

  /** A deployment drawn with probability proportional to its weight. */
  public Deployment pick() {
    return pick(deployment -> true);
  }

  /**
   * A deployment drawn by weight among those that {@code take} accepts, or null when it accepts
   * none. {@code take} may claim the deployment (a slot under its limits): it is asked about each
   * deployment at most once, in the drawn order, and the first one it accepts is returned.
   */
  @Override
  public Deployment pick(Predicate<Deployment> take) {
    int n = deployments.size();
    if (n == 1) {
      Deployment only = deployments.get(0);
      return take.test(only) ? only : null;
    }
    boolean[] refused = null;
    double total = cumulativeWeights[n - 1];
    for (int attempt = 0; attempt < n; attempt++) {
      int index = draw(refused, total);
      if (index < 0) {
        return null;
      }
      Deployment candidate = deployments.get(index);
      if (take.test(candidate)) {
        return candidate;
      }
      if (refused == null) {
        refused = new boolean[n];
      }
      refused[index] = true;
      total -= weightOf(index);
    }
    return null;
  }

  /** An index drawn by weight among those not refused; -1 when no weight is left. */
  private int draw(boolean[] refused, double total) {
    if (total <= 0) {
      // Zero weights (or all positive-weight deployments refused): the first one left, in order.
      for (int i = 0; i < deployments.size(); i++) {
        if (refused == null || !refused[i]) {
          return i;
        }
      }
      return -1;
    }
    double draw = ThreadLocalRandom.current().nextDouble(total);
    int last = -1;
    for (int i = 0; i < cumulativeWeights.length; i++) {
      if (refused != null && refused[i]) {
        continue;
      }
      last = i;
      double weight = weightOf(i);
      if (draw < weight) {
        return i;
      }
      draw -= weight;
    }
    return last;
  }

  private double weightOf(int index) {
    return cumulativeWeights[index] - (index == 0 ? 0 : cumulativeWeights[index - 1]);
  }
}
