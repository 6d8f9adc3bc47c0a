package dev.switchboard.routing;

import dev.switchboard.model.Price;
import java.util.concurrent.ThreadLocalRandom;

/**
 * LiteLLM's routing strategies, each as a score per deployment (lower is tried first); the
 * deployment gate then takes the first one, in that order, with room under its limits.
 */
enum Strategy {
  /** Weighted random: an exponential race, so weights hold for the first choice and for every later one. */
  SIMPLE_SHUFFLE,
  /** Fewest requests in flight. */
  LEAST_BUSY,
  /** Lowest moving average of latency (time to first token for streams), with a small share of random picks to keep measuring the others. */
  LATENCY,
  /** Lowest use of this minute against the deployment's tpm or rpm. */
  USAGE,
  /** Cheapest per token. */
  COST;

  /** Share of latency-based picks made at random, so a deployment that was slow once is measured again. */
  static final double EXPLORATION = 0.05;

  static Strategy of(String name) {
    return switch (name) {
      case "least-busy" -> LEAST_BUSY;
      case "latency-based-routing" -> LATENCY;
      case "usage-based-routing", "usage-based-routing-v2" -> USAGE;
      case "cost-based-routing" -> COST;
      default -> SIMPLE_SHUFFLE;
    };
  }

  /** For one pick: whether this latency pick explores (random order) instead. */
  boolean explores(ThreadLocalRandom random) {
    return this == LATENCY && random.nextDouble() < EXPLORATION;
  }

  double score(DeploymentState state, Price price, long nowMs, boolean stream, boolean exploring, ThreadLocalRandom random) {
    return switch (this) {
      case SIMPLE_SHUFFLE -> {
        double weight = state.deployment.weight();
        yield weight <= 0 ? Double.MAX_VALUE : -Math.log(1 - random.nextDouble()) / weight;
      }
      case LEAST_BUSY -> state.inFlight.get();
      case LATENCY -> exploring ? random.nextDouble() : state.latencyForRanking(stream);
      case USAGE -> state.usage(nowMs);
      case COST -> price.known() ? price.input() + price.output() : Double.MAX_VALUE;
    };
  }
}
