package dev.switchboard.alerting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.config.AlertingSettings;
import dev.switchboard.config.ConfigLoader;
import dev.switchboard.model.Deployment;
import dev.switchboard.model.Usage;
import dev.switchboard.routing.ModelRegistry;
import dev.switchboard.spend.InFlight;
import dev.switchboard.spend.SpendEvent;
import dev.switchboard.spend.SpendRow;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The alert types found without a timer per request, on a clock the test moves: provider failures
 * ({@code llm_exceptions}), calls in flight past the threshold ({@code llm_requests_hanging}) and the
 * fallbacks since the last report ({@code fallback_reports}); each repeated cause de-duplicated.
 */
class AlertSweepsTest {

  private static final long T0 = 1_800_000_000_000L;
  private final AtomicLong now = new AtomicLong(T0);
  private final AlertingSettings settings = new AlertingSettings("https://slack.example/x", Map.of(), null, 300,
      Set.of(), 3_600_000, 86_400_000, 60_000, 5);
  private final List<AlertEvent> published = new ArrayList<>();
  private final AlertDetector detector = new AlertDetector(settings, published::add, now::get);
  private final Deployment deployment = ModelRegistry.deployments(new ConfigLoader(name -> null).parse(
      "model_list:\n  - {model_name: chat, litellm_params: {model: openai/gpt-4o, api_base: 'http://127.0.0.1:1/v1', "
          + "api_key: sk-x}, model_info: {id: chat-1}}\n", "alerts.yaml")).get(0);

  private SpendEvent failure(int status, String type) {
    return new SpendEvent("req-" + System.nanoTime(), "chat", deployment, null, null, null, Usage.NONE, false, status,
        type, now.get(), 1_000_000, 0, 0, List.of(), null, "acompletion", null, null);
  }

  private static SpendRow row() {
    return new SpendRow("r", "hash-a", "sk-...abcd", "alias", null, null, "chat", null, null, null, 0, 0, 0, 0,
        0, T0, T0, null, 500, null, false, List.of(), null, List.of());
  }

  private List<AlertEvent> of(String type) {
    return published.stream().filter(a -> a.type().equals(type)).toList();
  }

  @Test
  void provider_failures_alert_once_per_deployment_and_status_within_the_ttl() {
    for (int i = 0; i < 4; i++) {
      detector.recorded(failure(500, "internal_server_error"), row());
    }
    detector.recorded(failure(429, "rate_limit_error"), row());
    detector.recorded(failure(400, "invalid_request_error"), row()); // the request's own error, not the provider's
    assertEquals(2, of(AlertEvent.LLM_EXCEPTIONS).size(), published.toString());
    AlertEvent first = of(AlertEvent.LLM_EXCEPTIONS).get(0);
    assertTrue(first.message().contains("chat-1") && first.message().contains("500"), first.message());
    assertEquals("deployment", first.toWebhookJson().getString("event_group"));
    assertEquals("llm_exceptions", first.toWebhookJson().getString("event"));
    now.addAndGet(60_001); // past outage_alert_ttl: the same cause alerts again
    detector.recorded(failure(500, "internal_server_error"), row());
    assertEquals(3, of(AlertEvent.LLM_EXCEPTIONS).size());
  }

  @Test
  void calls_in_flight_past_the_threshold_alert_per_model_group_and_repeat_under_one_key() {
    InFlight inFlight = new InFlight(true);
    Sweeps sweeps = new Sweeps(settings, inFlight, null);
    inFlight.begin("a", "chat", T0, "team-a-key");
    inFlight.begin("b", "chat", T0 + 1_000, null);
    inFlight.begin("c", "other", T0 + 250_000, null);
    inFlight.begin("d", "chat", T0, null);
    inFlight.end("d"); // answered: not hanging
    assertEquals(List.of(), sweeps.hanging(T0 + 300_000), "not past the 300 s threshold yet");
    List<AlertEvent> first = sweeps.hanging(T0 + 300_500);
    assertEquals(1, first.size(), first.toString());
    assertEquals(AlertEvent.HANGING, first.get(0).type());
    assertEquals(1, first.get(0).details().getInteger("requests"));
    assertTrue(first.get(0).message().startsWith("Requests are hanging - 300s+ request time"), first.get(0).message());
    List<AlertEvent> later = sweeps.hanging(T0 + 302_000);
    assertEquals(2, later.get(0).details().getInteger("requests"));
    assertEquals(first.get(0).dedupKey(), later.get(0).dedupKey(), "one cause, one key");
    // The dispatcher's de-duplication (per outage_alert_ttl) sends the second sweep's alert for the group once.
    Dedup dedup = new Dedup();
    assertTrue(dedup.first(first.get(0).dedupKey(), T0 + 300_500, settings.outageAlertTtlMs()));
    assertTrue(!dedup.first(later.get(0).dedupKey(), T0 + 302_000, settings.outageAlertTtlMs()));
    assertEquals(1, sweeps.hanging(T0 + 560_000).stream().filter(a -> a.dedupKey().endsWith(":other")).count());
    assertTrue(sweeps.hangingSweepMs() >= 1_000 && sweeps.hangingSweepMs() <= 15_000);
  }

  @Test
  void the_fallback_report_counts_what_the_router_counted_since_the_last_one() {
    MeterRegistry registry = new SimpleMeterRegistry();
    Sweeps sweeps = new Sweeps(settings, InFlight.NONE, registry);
    assertNull(sweeps.fallbackReport(T0), "no fallbacks, no report");
    registry.counter(Sweeps.SUCCESSFUL, "requested_model", "chat", "fallback_model", "backup", "team", "t").increment(2);
    registry.counter(Sweeps.FAILED, "requested_model", "chat", "fallback_model", "backup", "team", "t").increment();
    AlertEvent report = sweeps.fallbackReport(T0 + 1);
    assertEquals(AlertEvent.FALLBACK_REPORT, report.type());
    assertTrue(report.message().contains("chat -> backup: 2 successful, 1 failed"), report.message());
    assertNull(sweeps.fallbackReport(T0 + 2), "nothing new since the last report");
    registry.counter(Sweeps.SUCCESSFUL, "requested_model", "chat", "fallback_model", "backup", "team", "t").increment();
    assertEquals(1L, sweeps.fallbackReport(T0 + 3).details().getJsonObject("fallbacks").getJsonObject("chat -> backup")
        .getLong("successful"));
  }

  @Test
  void a_region_failing_on_several_deployments_alerts_once_per_window() {
    List<Deployment> bedrock = ModelRegistry.deployments(new ConfigLoader(name -> null).parse("""
        model_list:
          - {model_name: claude, litellm_params: {model: bedrock/anthropic.claude-3, aws_region_name: eu-west-1, aws_access_key_id: AKIAX, aws_secret_access_key: s}, model_info: {id: b-1}}
          - {model_name: claude, litellm_params: {model: bedrock/anthropic.claude-3, aws_region_name: eu-west-1, aws_access_key_id: AKIAY, aws_secret_access_key: s}, model_info: {id: b-2}}
          - {model_name: other, litellm_params: {model: bedrock/anthropic.claude-3, aws_region_name: us-east-1, aws_access_key_id: AKIAZ, aws_secret_access_key: s}, model_info: {id: b-3}}
        """, "regions.yaml"));
    assertEquals("bedrock/eu-west-1", AlertDetector.region(bedrock.get(0)));
    assertNull(AlertDetector.region(deployment), "an OpenAI deployment names no region");
    java.util.function.Function<Deployment, SpendEvent> failing = d -> new SpendEvent("req-" + System.nanoTime(),
        d.modelGroup(), d, null, null, null, Usage.NONE, false, 503, "service_unavailable", now.get(), 1_000_000, 0, 0,
        List.of(), null, "acompletion", null, null);
    for (int i = 0; i < 6; i++) {
      detector.recorded(failing.apply(bedrock.get(2)), row()); // one deployment: its own outage, not its region's
    }
    assertEquals(0, of(AlertEvent.REGION_OUTAGE).size());
    for (int i = 0; i < 10; i++) {
      detector.recorded(failing.apply(bedrock.get(i % 2)), row());
    }
    assertEquals(1, of(AlertEvent.REGION_OUTAGE).size(), published.toString());
    AlertEvent region = of(AlertEvent.REGION_OUTAGE).get(0);
    assertEquals("bedrock/eu-west-1", region.details().getString("provider_region"));
    assertEquals(2, region.details().getInteger("deployments"));
    now.addAndGet(60_001);
    for (int i = 0; i < 5; i++) {
      detector.recorded(failing.apply(bedrock.get(i % 2)), row());
    }
    assertEquals(2, of(AlertEvent.REGION_OUTAGE).size(), "a new window, a new alert");
  }

  @Test
  void types_left_out_of_alert_types_are_not_looked_for() {
    AlertingSettings onlySlow = new AlertingSettings("https://slack.example/x", Map.of(), null, 300,
        Set.of("llm_too_slow"), 3_600_000, 86_400_000, 60_000, 5);
    AlertDetector quiet = new AlertDetector(onlySlow, published::add, now::get);
    quiet.recorded(failure(500, "internal_server_error"), row());
    assertEquals(0, of(AlertEvent.LLM_EXCEPTIONS).size());
    InFlight inFlight = new InFlight(true);
    inFlight.begin("a", "chat", T0, null);
    assertEquals(List.of(), new Sweeps(onlySlow, inFlight, null).hanging(T0 + 1_000_000));
    assertTrue(!Alerting.watchesInFlight(onlySlow), "the calls in flight are not even kept");
  }
}
