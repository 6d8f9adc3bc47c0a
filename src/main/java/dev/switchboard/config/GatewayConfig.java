package dev.switchboard.config;

import java.util.List;

/**
 * The whole LiteLLM {@code config.yaml} as Switchboard understands it. {@code ignoredKeys} are the
 * settings present in the file that Switchboard does not implement yet, reported once at start.
 */
public record GatewayConfig(
    List<DeploymentConfig> modelList,
    GeneralSettings general,
    RouterSettings router,
    LitellmSettings litellm,
    SpendSettings spend,
    ClusterSettings cluster,
    List<String> ignoredKeys,
    ObservabilitySettings observability,
    ConfigSource source,
    List<GuardrailConfig> guardrails) {

  /** Without guardrails (the top-level {@code guardrails:} list). */
  public GatewayConfig(List<DeploymentConfig> modelList, GeneralSettings general, RouterSettings router,
      LitellmSettings litellm, SpendSettings spend, ClusterSettings cluster, List<String> ignoredKeys,
      ObservabilitySettings observability, ConfigSource source) {
    this(modelList, general, router, litellm, spend, cluster, ignoredKeys, observability, source, List.of());
  }

  /** The same configuration, clustered or not (the {@code --cluster} flag). */
  public GatewayConfig withCluster(boolean on) {
    return new GatewayConfig(modelList, general, router, litellm, spend, cluster.enabled(on), ignoredKeys, observability,
        source, guardrails);
  }
}
