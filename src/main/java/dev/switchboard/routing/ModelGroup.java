package dev.switchboard.routing;

import dev.switchboard.provider.Deployment;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/** The deployments behind one model name, with LiteLLM's weighted {@code simple-shuffle}. */
public final class ModelGroup {

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

  public String name() {
    return name;
  }

  public List<Deployment> deployments() {
    return deployments;
  }

  /** A deployment drawn with probability proportional to its weight. */
  public Deployment pick() {
    if (deployments.size() == 1) {
      return deployments.get(0);
    }
    double total = cumulativeWeights[cumulativeWeights.length - 1];
    double draw = ThreadLocalRandom.current().nextDouble(total);
    for (int i = 0; i < cumulativeWeights.length; i++) {
      if (draw < cumulativeWeights[i]) {
        return deployments.get(i);
      }
    }
    return deployments.get(deployments.size() - 1);
  }
}
