package dev.switchboard.config;

/**
 * Metrics and logs.
 *
 * @param metricsAuth {@code general_settings.metrics_auth} (or LiteLLM's
 *                    {@code litellm_settings.require_auth_for_metrics_endpoint}): /metrics asks for the master key
 * @param jsonLogs    {@code litellm_settings.json_logs}: one JSON object per log line
 */
public record ObservabilitySettings(boolean metricsAuth, boolean jsonLogs) {

  public static final ObservabilitySettings DEFAULTS = new ObservabilitySettings(false, false);
}
