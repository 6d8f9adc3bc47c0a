package dev.switchboard.config;

/**
 * One entry of {@code model_list}: a deployment serving the model group {@code modelName}.
 * {@code position} is its index in the file's {@code model_list}, for messages and stable ids.
 */
public record DeploymentConfig(String modelName, LitellmParams params, ModelInfo info, int position) {
}
