package dev.switchboard.model;

import dev.switchboard.config.AwsAuth;
import dev.switchboard.config.AzureAuth;
import dev.switchboard.config.BatchSettings;
import dev.switchboard.config.EnvValue;
import dev.switchboard.config.ModelInfo;
import dev.switchboard.config.VertexAuth;

/**
 * One upstream endpoint serving a model group, resolved from config and immutable. Deployments
 * are shared by every request; secrets stay inside and never appear in {@link #toString()}.
 *
 * @param id             {@code model_info.id}, or a stable id derived from the list position
 * @param modelGroup     the {@code model_name} clients ask for
 * @param upstreamModel  the model name sent upstream (provider prefix stripped)
 * @param apiBase        base URL without trailing slash, or an unset environment variable
 * @param timeoutMs      idle timeout of a non-streaming call
 * @param streamTimeoutMs idle timeout of a streaming call, between chunks and before the first
 * @param dropParams     parameters the provider cannot take are dropped instead of refused
 * @param batch          embedding micro-batching, or null when off
 * @param rpm            requests per minute the gateway may send it, or null for no bound
 * @param tpm            tokens per minute the gateway may send it, or null for no bound
 * @param maxParallelRequests requests it may have in flight at once, or null for no bound
 * @param order          {@code litellm_params.order}: lower is tried first; {@link #NO_ORDER} when not given (tried last)
 * @param tags           {@code litellm_params.tags}, for tag-based routing
 * @param maxRetries     {@code litellm_params.max_retries}: retries after this deployment fails, or null for the router's
 * @param azureAuth      Azure's Entra ID settings ({@link AzureAuth#NONE} elsewhere)
 * @param vertexAuth     Vertex AI's project, location and credentials ({@link VertexAuth#NONE} elsewhere)
 * @param awsAuth        Bedrock's SigV4 settings ({@link AwsAuth#NONE} elsewhere)
 */
public record Deployment(
    String id,
    String modelGroup,
    Provider provider,
    String upstreamModel,
    EnvValue apiBase,
    EnvValue apiKey,
    EnvValue apiVersion,
    double weight,
    long timeoutMs,
    long streamTimeoutMs,
    boolean dropParams,
    BatchSettings batch,
    ModelInfo info,
    Integer rpm,
    Integer tpm,
    Integer maxParallelRequests,
    int order,
    java.util.List<String> tags,
    Integer maxRetries,
    AzureAuth azureAuth,
    VertexAuth vertexAuth,
    AwsAuth awsAuth) {

  public static final int NO_ORDER = Integer.MAX_VALUE;

  /** A deployment without Azure token settings. */
  public Deployment(String id, String modelGroup, Provider provider, String upstreamModel, EnvValue apiBase,
      EnvValue apiKey, EnvValue apiVersion, double weight, long timeoutMs, long streamTimeoutMs, boolean dropParams,
      BatchSettings batch, ModelInfo info, Integer rpm, Integer tpm, Integer maxParallelRequests, int order,
      java.util.List<String> tags, Integer maxRetries) {
    this(id, modelGroup, provider, upstreamModel, apiBase, apiKey, apiVersion, weight, timeoutMs, streamTimeoutMs,
        dropParams, batch, info, rpm, tpm, maxParallelRequests, order, tags, maxRetries, AzureAuth.NONE);
  }

  /** A deployment with only Azure token settings. */
  public Deployment(String id, String modelGroup, Provider provider, String upstreamModel, EnvValue apiBase,
      EnvValue apiKey, EnvValue apiVersion, double weight, long timeoutMs, long streamTimeoutMs, boolean dropParams,
      BatchSettings batch, ModelInfo info, Integer rpm, Integer tpm, Integer maxParallelRequests, int order,
      java.util.List<String> tags, Integer maxRetries, AzureAuth azureAuth) {
    this(id, modelGroup, provider, upstreamModel, apiBase, apiKey, apiVersion, weight, timeoutMs, streamTimeoutMs,
        dropParams, batch, info, rpm, tpm, maxParallelRequests, order, tags, maxRetries, azureAuth, VertexAuth.NONE,
        AwsAuth.NONE);
  }

  public Deployment {
    azureAuth = azureAuth == null ? AzureAuth.NONE : azureAuth;
    vertexAuth = vertexAuth == null ? VertexAuth.NONE : vertexAuth;
    awsAuth = awsAuth == null ? AwsAuth.NONE : awsAuth;
  }

  /** Some rpm, tpm or parallel bound applies to it. */
  public boolean limited() {
    return rpm != null || tpm != null || maxParallelRequests != null;
  }

  /** How errors name this deployment: model group, id and provider model, never a secret. */
  public String describe() {
    return "model '" + modelGroup + "' (deployment " + id + ", " + provider.prefix() + "/" + upstreamModel + ")";
  }

  @Override
  public String toString() {
    return "Deployment[" + id + " " + provider.prefix() + "/" + upstreamModel + " for " + modelGroup + "]";
  }
}
