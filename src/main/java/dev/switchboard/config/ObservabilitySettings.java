package dev.switchboard.config;

/**
 * Metrics, logs and traces.
 *
 * @param metricsAuth {@code general_settings.metrics_auth} (or LiteLLM's
 *                    {@code litellm_settings.require_auth_for_metrics_endpoint}): /metrics asks for the master key
 * @param jsonLogs    {@code litellm_settings.json_logs}: one JSON object per log line
 * @param tracing     OpenTelemetry tracing, or null when it is off (the default)
 */
public record ObservabilitySettings(boolean metricsAuth, boolean jsonLogs, TracingSettings tracing) {

  public static final ObservabilitySettings DEFAULTS = new ObservabilitySettings(false, false, null);
}
