package dev.switchboard.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Reading the callbacks and alerting settings: LiteLLM's names and environment variables, and clear start-up errors. */
class CallbackSettingsTest {

  private static ObservabilitySettings read(String yaml, Map<String, String> env) {
    return new ConfigLoader(env::get).parse(yaml, "config.yaml").observability();
  }

  @Test
  void sinks_are_read_from_litellm_names_and_variables_and_no_longer_reported_as_ignored() {
    GatewayConfig config = new ConfigLoader(Map.of("LANGFUSE_PUBLIC_KEY", "pk", "LANGFUSE_SECRET_KEY", "sk",
        "DD_API_KEY", "dd", "DD_SITE", "us5.datadoghq.com", "GENERIC_LOGGER_ENDPOINT", "https://logs.example/in",
        "GENERIC_LOGGER_HEADERS", "Authorization=Bearer t,X-A=b")::get).parse("""
        model_list: []
        litellm_settings:
          success_callback: ["langfuse", "langsmith"]
          failure_callback: ["datadog"]
          callbacks: ["generic_api", "otel"]
          turn_off_message_logging: true
        """, "config.yaml");
    CallbackSettings callbacks = config.observability().callbacks();
    assertEquals(3, callbacks.sinks().size());
    CallbackSettings.Sink generic = callbacks.sinks().get(0);
    assertEquals(CallbackSettings.Kind.GENERIC_API, generic.kind());
    assertTrue(generic.onSuccess() && generic.onFailure());
    assertEquals(Map.of("authorization", "Bearer t", "x-a", "b"), generic.headers());
    CallbackSettings.Sink langfuse = callbacks.sinks().get(1);
    assertEquals("https://cloud.langfuse.com/api/public/ingestion", langfuse.url());
    assertTrue(langfuse.onSuccess() && !langfuse.onFailure());
    CallbackSettings.Sink datadog = callbacks.sinks().get(2);
    assertEquals("https://http-intake.logs.us5.datadoghq.com/api/v2/logs", datadog.url());
    assertTrue(!datadog.onSuccess() && datadog.onFailure());
    assertFalse(datadog.toString().contains("dd,") || datadog.toString().contains("=dd"), datadog.toString());
    assertTrue(callbacks.turnOffMessageLogging());
    assertFalse(config.ignoredKeys().stream().anyMatch(k -> k.contains("callback")), config.ignoredKeys().toString());
  }

  @Test
  void s3_reads_s3_callback_params_with_the_aws_environment_behind_them() {
    CallbackSettings.Sink s3 = read("""
        model_list: []
        litellm_settings:
          callbacks: ["s3"]
          s3_callback_params: {s3_bucket_name: logs, s3_region_name: eu-west-3, s3_path: team/a}
        """, Map.of("AWS_ACCESS_KEY_ID", "AKIAENVKEY", "AWS_SECRET_ACCESS_KEY", "env-secret")).callbacks().sinks().get(0);
    assertEquals(CallbackSettings.Kind.S3, s3.kind());
    assertEquals("https://logs.s3.eu-west-3.amazonaws.com", s3.url(), "AWS's bucket address without s3_endpoint_url");
    assertEquals("team/a", s3.extra().get("path"));
    assertEquals("AKIAENVKEY", s3.extra().get("access_key_id"));
    assertFalse(s3.toString().contains("env-secret"), s3.toString());
    StartupException none = assertThrows(StartupException.class, () -> read("""
        model_list: []
        litellm_settings: {callbacks: ["s3"], s3_callback_params: {s3_bucket_name: logs}}
        """, Map.of()));
    assertTrue(none.getMessage().contains("s3_aws_access_key_id"), none.getMessage());
  }

  @Test
  void a_listed_sink_without_its_credentials_stops_the_start_with_the_variable_named() {
    StartupException e = assertThrows(StartupException.class, () -> read("""
        model_list: []
        litellm_settings: {callbacks: ["langfuse"]}
        """, Map.of("LANGFUSE_PUBLIC_KEY", "pk")));
    assertTrue(e.getMessage().contains("LANGFUSE_SECRET_KEY"), e.getMessage());
  }

  @Test
  void alerting_reads_channels_threshold_types_and_args() {
    AlertingSettings alerting = read("""
        model_list: []
        general_settings:
          alerting: ["slack"]
          alerting_threshold: 30
          alert_types: ["budget_alerts", "outage_alerts"]
          alerting_args: {budget_alert_ttl: 60, outage_alert_ttl: 5, minor_outage_alert_threshold: 2, daily_report_frequency: 3600}
        """, Map.of("SLACK_WEBHOOK_URL", "https://hooks.slack.example/T/B/x")).alerting();
    assertEquals("https://hooks.slack.example/T/B/x", alerting.slackUrl());
    assertNull(alerting.webhookUrl());
    assertEquals(30.0, alerting.thresholdSeconds());
    assertTrue(alerting.wants("budget_alerts") && !alerting.wants("llm_too_slow"));
    assertEquals(60_000, alerting.budgetAlertTtlMs());
    assertEquals(5_000, alerting.outageAlertTtlMs());
    assertEquals(2, alerting.outageThreshold());
    assertEquals(3_600_000, alerting.reportEveryMs());
    assertFalse(alerting.toString().contains("hooks.slack"), "the webhook URL is a credential");
  }

  @Test
  void slack_alerting_without_its_url_stops_the_start_with_the_variable_named() {
    StartupException e = assertThrows(StartupException.class, () -> read("""
        model_list: []
        general_settings: {alerting: ["slack"]}
        """, Map.of()));
    assertTrue(e.getMessage().contains("SLACK_WEBHOOK_URL"), e.getMessage());
  }
}
