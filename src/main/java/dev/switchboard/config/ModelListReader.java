package dev.switchboard.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads {@code model_list}. An entry with a problem is left out and its problems recorded; the
 * other entries are still read, so every problem of the list is found in one run.
 */
final class ModelListReader {

  private ModelListReader() {
  }

  static List<DeploymentConfig> read(YamlSection root, List<String> ignored) {
    List<Object> entries = root.list("model_list");
    List<DeploymentConfig> out = new ArrayList<>(entries.size());
    for (int i = 0; i < entries.size(); i++) {
      YamlSection entry = root.child("model_list[" + i + "]", entries.get(i));
      DeploymentConfig deployment = deployment(entry, i, ignored);
      if (deployment != null) {
        out.add(deployment);
      }
    }
    return out;
  }

  /** The entry, or null when its model_name or model is missing (recorded as problems). */
  static DeploymentConfig deployment(YamlSection entry, int position, List<String> ignored) {
    String modelName = entry.requiredString("model_name");
    if (!entry.has("litellm_params")) {
      entry.raw("litellm_params");
      entry.problem("litellm_params", entry.path("litellm_params")
          + " is required (with at least 'model: provider/model')");
    }
    YamlSection params = entry.section("litellm_params");
    String model = entry.has("litellm_params") ? params.requiredString("model") : null;
    LitellmParams litellmParams = new LitellmParams(
        model,
        apiBase(params, model),
        params.envString("api_key"),
        params.envString("api_version"),
        params.integer("rpm"),
        params.integer("tpm"),
        params.positive("max_parallel_requests"),
        params.number("timeout"),
        params.number("stream_timeout"),
        params.integer("max_retries"),
        params.number("weight"),
        params.integer("order"),
        params.stringList("tags"),
        params.bool("drop_params", null),
        batch(params),
        azureAuth(params, model),
        vertexAuth(params, model), AwsSettings.read(params, model));
    YamlSection info = entry.section("model_info");
    ModelInfo modelInfo = new ModelInfo(
        info.string("id"),
        info.string("mode"),
        info.number("input_cost_per_token"),
        info.number("output_cost_per_token"),
        info.number("cache_read_input_token_cost"),
        info.integer("max_tokens"),
        info.integer("max_input_tokens"),
        info.integer("max_output_tokens"),
        info.string("base_model"),
        info.stringList("access_groups"),
        info.number("input_cost_per_query")).withMediaPrices(mediaPrices(info, params))
        .withCustom(info.unreadValues()); // echoed by /model/info as LiteLLM does, still reported as not acted on
    addOnce(ignored, entry.unread());
    addOnce(ignored, params.unread());
    addOnce(ignored, info.unread());
    return modelName == null || model == null ? null : new DeploymentConfig(modelName, litellmParams, modelInfo, position);
  }

  /** LiteLLM's media price fields, from model_info or else from litellm_params (its custom pricing). */
  private static Map<String, Double> mediaPrices(YamlSection info, YamlSection params) {
    Map<String, Double> prices = new LinkedHashMap<>();
    for (String field : ModelInfo.MEDIA_PRICE_FIELDS) {
      Double fromInfo = info.number(field);
      Double fromParams = params.number(field); // read either way: a key read is not reported as ignored
      Double value = fromInfo != null ? fromInfo : fromParams;
      if (value != null) {
        prices.put(field, value);
      }
    }
    return prices;
  }

  /**
   * Azure's token settings; without {@code api_key}, LiteLLM's AZURE_TENANT_ID, AZURE_CLIENT_ID,
   * AZURE_CLIENT_SECRET and AZURE_AUTHORITY_HOST fill in what the deployment leaves out.
   */
  private static AzureAuth azureAuth(YamlSection params, String model) {
    boolean azure = model != null && (model.startsWith("azure/") || model.startsWith("azure_ai/"));
    if (!azure) {
      return AzureAuth.NONE;
    }
    if (params.has("api_key")) {
      return new AzureAuth(params.envString("azure_ad_token"), params.envString("tenant_id"),
          params.envString("client_id"), params.envString("client_secret"), params.envString("azure_authority_host"));
    }
    return new AzureAuth(params.envString("azure_ad_token"), params.envStringOr("tenant_id", "AZURE_TENANT_ID"),
        params.envStringOr("client_id", "AZURE_CLIENT_ID"), params.envStringOr("client_secret", "AZURE_CLIENT_SECRET"),
        params.envStringOr("azure_authority_host", "AZURE_AUTHORITY_HOST"));
  }

  /** Vertex AI's project, location and service account, else LiteLLM's environment variables. */
  private static VertexAuth vertexAuth(YamlSection params, String model) {
    if (model == null || !model.startsWith("vertex_ai/")) {
      return VertexAuth.NONE;
    }
    return new VertexAuth(params.envStringOr("vertex_project", "VERTEXAI_PROJECT"),
        params.envStringOr("vertex_location", "VERTEXAI_LOCATION"),
        params.envStringOr("vertex_credentials", "GOOGLE_APPLICATION_CREDENTIALS"));
  }

  /** {@code api_base}; a Bedrock deployment without one uses its runtime endpoint setting or its region's. */
  private static EnvValue apiBase(YamlSection params, String model) {
    EnvValue apiBase = params.envString("api_base");
    return apiBase.isSet() || apiBase.isMissingVariable() ? apiBase : AwsSettings.endpoint(params, model, apiBase);
  }

  private static BatchSettings batch(YamlSection params) {
    if (!params.has("batch")) {
      params.raw("batch");
      return null;
    }
    YamlSection batch = params.section("batch");
    Integer size = batch.integer("max_batch_size");
    Integer timeout = batch.integer("batch_timeout_ms");
    if ((size != null && size < 1) || (timeout != null && timeout < 0)) {
      batch.problem("max_batch_size", batch.path("max_batch_size") + " must be at least 1 and "
          + batch.path("batch_timeout_ms") + " at least 0");
      return null;
    }
    return new BatchSettings(size == null ? BatchSettings.DEFAULT_MAX_BATCH_SIZE : size,
        timeout == null ? BatchSettings.DEFAULT_BATCH_TIMEOUT_MS : timeout);
  }

  /** Per-deployment keys are reported once as {@code model_list[].x}, not once per deployment. */
  private static void addOnce(List<String> ignored, List<String> paths) {
    for (String path : paths) {
      String generic = path.replaceFirst("^model_list\\[\\d+]", "model_list[]");
      if (!ignored.contains(generic)) {
        ignored.add(generic);
      }
    }
  }
}
