package dev.switchboard.provider;

import dev.switchboard.model.Deployment;
import dev.switchboard.config.EnvValue;
import dev.switchboard.errors.ErrorClass;
import dev.switchboard.errors.GatewayError;

/** Reads a deployment's settings at call time, when an unset environment variable must be named. */
final class DeploymentValues {

  private DeploymentValues() {
  }

  /** The value, null when not configured, or a 500 naming the unset environment variable. */
  static String require(Deployment deployment, EnvValue value, String setting) {
    if (value.isMissingVariable()) {
      throw GatewayError.of(ErrorClass.INTERNAL_SERVER, "missing_environment_variable", "Deployment " + deployment.id() + " of model '" + deployment.modelGroup() + "' cannot be called: its "
              + setting + " comes from environment variable " + value.unsetVariable()
              + ", which is not set on the gateway. Set " + value.unsetVariable() + " and restart Switchboard.");
    }
    return value.value();
  }
}
