package dev.switchboard.config;

import java.util.Objects;

/**
 * One entry of {@code model_list}: a deployment serving the model group {@code modelName}.
 * {@code position} is its index in the file's {@code model_list}, for messages and stable ids; it
 * is no part of equality, so an entry that only moved in the list is not a changed deployment.
 */
public record DeploymentConfig(String modelName, LitellmParams params, ModelInfo info, int position) {

  @Override
  public boolean equals(Object other) {
    return other instanceof DeploymentConfig that && modelName.equals(that.modelName) && params.equals(that.params)
        && info.equals(that.info);
  }

  @Override
  public int hashCode() {
    return Objects.hash(modelName, params, info);
  }
}
