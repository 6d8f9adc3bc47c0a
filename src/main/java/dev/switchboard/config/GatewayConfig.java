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
    List<String> ignoredKeys,
    ObservabilitySettings observability,
    ConfigSource source) {
}
