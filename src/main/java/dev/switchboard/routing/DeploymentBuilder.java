package dev.switchboard.routing;

import dev.switchboard.config.DeploymentConfig;
import dev.switchboard.config.EnvValue;
import dev.switchboard.config.GatewayConfig;
import dev.switchboard.config.LitellmParams;
import dev.switchboard.config.StartupException;
import dev.switchboard.model.Deployment;
import dev.switchboard.model.Provider;
import dev.switchboard.provider.Providers;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.function.ToDoubleFunction;

/** Turns one {@code model_list} entry into a {@link Deployment}: provider, address, weight, timeouts, id. */
final class DeploymentBuilder {

  private final long defaultTimeoutMs;
  private final boolean defaultDropParams;
  private final Double routerStreamTimeout;

  DeploymentBuilder(GatewayConfig config) {
    this.defaultTimeoutMs = seconds(config.litellm().requestTimeout());
    this.defaultDropParams = config.litellm().dropParams();
    this.routerStreamTimeout = config.router().routing().streamTimeoutSeconds();
  }

  /**
   * LiteLLM's simple-shuffle: by {@code weight} when any deployment of the group has one, else by
   * {@code rpm} or {@code tpm} when every deployment has it, else evenly.
   */
  static ToDoubleFunction<LitellmParams> weighting(List<DeploymentConfig> entries) {
    if (entries.stream().anyMatch(e -> e.params().weight() != null)) {
      return p -> p.weight() == null ? 1 : p.weight();
    }
    if (entries.stream().allMatch(e -> e.params().rpm() != null)) {
      return p -> p.rpm();
    }
    if (entries.stream().allMatch(e -> e.params().tpm() != null)) {
      return p -> p.tpm();
    }
    return p -> 1;
  }

  /** The deployment of {@code entry}; a StartupException naming the setting when it cannot serve as written. */
  Deployment build(DeploymentConfig entry, ToDoubleFunction<LitellmParams> weight) {
    int position = entry.position();
    LitellmParams params = entry.params();
    Providers.ProviderModel resolved = Providers.resolve(params.model(),
        "model_list[" + position + "].litellm_params.model");
    double w = weight.applyAsDouble(params);
    if (w < 0 || Double.isNaN(w)) {
      throw new StartupException("model_list[" + position + "].litellm_params.weight must not be negative");
    }
    long timeoutMs = params.timeout() == null ? defaultTimeoutMs : seconds(params.timeout());
    long streamTimeoutMs = params.streamTimeout() != null ? seconds(params.streamTimeout())
        : routerStreamTimeout != null ? seconds(routerStreamTimeout) : timeoutMs;
    boolean dropParams = params.dropParams() == null ? defaultDropParams : params.dropParams();
    String id = entry.info().id() != null ? entry.info().id() : derivedId(entry, position);
    return new Deployment(id, entry.modelName(), resolved.provider(), resolved.upstreamModel(),
        apiBase(params.apiBase(), resolved.provider(), "model_list[" + position + "].litellm_params.api_base"),
        params.apiKey(), params.apiVersion(), w, timeoutMs, streamTimeoutMs, dropParams, params.batch(), entry.info(),
        params.rpm(), params.tpm(), params.maxParallelRequests(),
        params.order() == null ? Deployment.NO_ORDER : params.order(), params.tags(), params.maxRetries(),
        params.azureAuth(), params.vertexAuth(), params.awsAuth());
  }

  /** The configured api_base without trailing slash, else the provider's default; a StartupException when it has none. */
  static EnvValue apiBase(EnvValue configured, Provider provider, String where) {
    EnvValue apiBase = configured;
    if (!apiBase.isSet() && !apiBase.isMissingVariable()) {
      if (provider.defaultApiBase() == null) {
        throw new StartupException(where + " is required for " + provider.prefix()
            + " deployments (e.g. http://127.0.0.1:8000/v1)");
      }
      apiBase = EnvValue.of(provider.defaultApiBase());
    }
    return apiBase.isSet() ? EnvValue.of(stripTrailingSlash(apiBase.value())) : apiBase;
  }

  private static long seconds(double seconds) {
    return Math.max(1, Math.round(seconds * 1000));
  }

  private static String stripTrailingSlash(String url) {
    String out = url.trim();
    while (out.endsWith("/")) {
      out = out.substring(0, out.length() - 1);
    }
    return out;
  }

  /** Stable across restarts and nodes for the same config; never derived from the API key. */
  private static String derivedId(DeploymentConfig entry, int position) {
    String basis = position + "|" + entry.modelName() + "|" + entry.params().model() + "|"
        + entry.params().apiBase().value();
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(basis.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
