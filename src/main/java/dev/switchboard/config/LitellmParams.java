package dev.switchboard.config;

import java.util.List;

/**
 * LiteLLM's {@code litellm_params} of one deployment. {@code model} keeps its {@code provider/}
 * prefix; timeouts are seconds as LiteLLM takes them (null = not given); {@code dropParams}
 * overrides {@code litellm_settings.drop_params} for this deployment; {@code batch} is null
 * unless embedding micro-batching is turned on; {@code azureAuth} is Azure's token settings, {@code vertexAuth} Vertex AI's, {@code awsAuth} Bedrock's signing settings. {@code rpm}, {@code tpm} and
 * {@code maxParallelRequests} bound what the gateway sends this deployment (null = no bound).
 */
public record LitellmParams(
    String model,
    EnvValue apiBase,
    EnvValue apiKey,
    EnvValue apiVersion,
    Integer rpm,
    Integer tpm,
    Integer maxParallelRequests,
    Double timeout,
    Double streamTimeout,
    Integer maxRetries,
    Double weight,
    Integer order,
    List<String> tags,
    Boolean dropParams,
    BatchSettings batch,
    AzureAuth azureAuth,
    VertexAuth vertexAuth,
    AwsAuth awsAuth) {
}
