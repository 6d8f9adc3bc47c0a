package dev.switchboard.config;

/**
 * Metrics, logs and traces.
 *
 * @param metricsAuth {@code general_settings.metrics_auth} (or LiteLLM's
 *                    {@code litellm_settings.require_auth_for_metrics_endpoint}): /metrics asks for the master key
 * @param jsonLogs    {@code litellm_settings.json_logs}: one JSON object per log line
 * @param tracing     OpenTelemetry tracing, or null when it is off (the default)
 * @param vertxHttpMetrics {@code general_settings.vertx_http_metrics}: Vert.x's own per-request HTTP
 *                    server and client meters too (off by default: they looked meters up on every
 *                    request, several percent of the gateway's CPU, for what the litellm_* meters say)
 * @param callbacks   logging callbacks (Langfuse, Datadog, a generic HTTP logger); {@link CallbackSettings#NONE} for none
 * @param alerting    Slack / webhook alerting, or null when it is off
 */
public record ObservabilitySettings(boolean metricsAuth, boolean jsonLogs, TracingSettings tracing,
    boolean vertxHttpMetrics, CallbackSettings callbacks, AlertingSettings alerting) {

  public static final ObservabilitySettings DEFAULTS = new ObservabilitySettings(false, false, null, false,
      CallbackSettings.NONE, null);
}
