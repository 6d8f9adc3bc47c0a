package dev.switchboard.spend;

import dev.switchboard.config.ModelInfo;
import dev.switchboard.provider.Deployment;

/** Cost in USD of one request from its usage and the deployment's {@code model_info} prices. */
public final class CostCalculator {

  private CostCalculator() {
  }

  public static double cost(Deployment deployment, Usage usage) {
    if (deployment == null) {
      return 0;
    }
    ModelInfo info = deployment.info();
    double input = info.inputCostPerToken() == null ? 0 : info.inputCostPerToken();
    double output = info.outputCostPerToken() == null ? 0 : info.outputCostPerToken();
    return usage.promptTokens() * input + usage.completionTokens() * output;
  }
}
