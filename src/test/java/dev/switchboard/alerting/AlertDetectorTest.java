package dev.switchboard.alerting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.config.AlertingSettings;
import dev.switchboard.model.Usage;
import dev.switchboard.spend.SpendEvent;
import dev.switchboard.spend.SpendRow;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The detector called directly: budget refusals alert once per key, and the spend report sums and restarts. */
class AlertDetectorTest {

  private final List<AlertEvent> published = new ArrayList<>();
  private final AlertDetector detector = new AlertDetector(new AlertingSettings("https://slack.example/x", Map.of(),
      null, 300, Set.of(), 3_600_000, 86_400_000, 60_000, 5), published::add);

  private static SpendEvent event(String errorType, int status) {
    return new SpendEvent("req-" + System.nanoTime(), "chat", null, null, null, null, Usage.NONE, false, status,
        errorType, System.currentTimeMillis(), 1_000_000, 0, 0, List.of(), null, "acompletion", null, null);
  }

  private static SpendRow row(String keyHash, double spend) {
    long now = System.currentTimeMillis();
    return new SpendRow("r", keyHash, "sk-...abcd", "team-a-key", null, "team-a", "chat", null, null, null, 0, 0, 0, 0,
        spend, now, now, null, 200, null, false, List.of(), null, List.of());
  }

  @Test
  void a_budget_refusal_alerts_once_per_key_within_its_ttl() {
    for (int i = 0; i < 5; i++) {
      detector.recorded(event("budget_exceeded", 400), row("hash-a", 0));
    }
    detector.recorded(event("budget_exceeded", 400), row("hash-b", 0));
    assertEquals(2, published.size(), published.toString());
    AlertEvent first = published.get(0);
    assertEquals(AlertEvent.BUDGET, first.type());
    assertTrue(first.message().contains("team-a-key"), first.message());
    assertEquals("budget_crossed", first.toWebhookJson().getString("event"), "LiteLLM's WebhookEvent name");
    assertEquals("budget_alerts", first.toWebhookJson().getString("alert_type"));
    assertEquals("hash-a", first.toWebhookJson().getString("token"));
  }

  @Test
  void the_spend_report_sums_per_model_group_and_starts_again() {
    detector.recorded(event(null, 200), row("hash-a", 0.25));
    detector.recorded(event("internal_server_error", 500), row("hash-a", 0.5));
    AlertEvent report = detector.report(System.currentTimeMillis());
    assertEquals(AlertEvent.DAILY_REPORT, report.type());
    assertEquals(0.75, report.details().getDouble("spend"), 1e-9);
    assertEquals(2L, report.details().getJsonObject("models").getJsonObject("chat").getLong("requests"));
    assertEquals(1L, report.details().getJsonObject("models").getJsonObject("chat").getLong("failures"));
    assertNull(detector.report(System.currentTimeMillis()), "nothing served since the last report");
  }
}
