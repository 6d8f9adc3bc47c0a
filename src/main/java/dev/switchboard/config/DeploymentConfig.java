package dev.switchboard.config;

/** One entry of {@code model_list}: a deployment serving the model group {@code modelName}. */
public record DeploymentConfig(String modelName, LitellmParams params, ModelInfo info) {
}
