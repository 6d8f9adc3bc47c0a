package dev.switchboard.alerting;

import dev.switchboard.config.AlertingSettings;
import dev.switchboard.model.Deployment;
import dev.switchboard.spend.SpendEvent;
import dev.switchboard.spend.SpendListener;
import dev.switchboard.spend.SpendRow;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Notices alerts in each request's spend row, on the request's loop, and only publishes: a budget
 * refusal ({@code budget_alerts}), a request slower than {@code alerting_threshold}
 * ({@code llm_too_slow}), and a deployment failing {@code minor_outage_alert_threshold} times within
 * {@code outage_alert_ttl} ({@code outage_alerts}: once, not per failing request), a provider's
 * failure ({@code llm_exceptions}: once per deployment and status per {@code outage_alert_ttl}). Also keeps the
 * totals the spend report shows. Thread-safe; one per gateway.
 */
public final class AlertDetector implements SpendListener {

  private static final class Window {
    long startMs;
    int failures;
    final java.util.Set<String> deployments = new java.util.HashSet<>();
    boolean alerted;
  }

  private static final class Totals {
    final LongAdder requests = new LongAdder();
    final LongAdder failures = new LongAdder();
    final DoubleAdder cost = new DoubleAdder();
  }

  private final AlertingSettings settings;
  private final Consumer<AlertEvent> publish;
  private final Dedup published = new Dedup();
  private final Map<String, Window> outages = new ConcurrentHashMap<>();
  private final Map<String, Window> regions = new ConcurrentHashMap<>();
  private final Map<String, Totals> totals = new ConcurrentHashMap<>();

  private final LongSupplier clock;

  public AlertDetector(AlertingSettings settings, Consumer<AlertEvent> publish) {
    this(settings, publish, System::currentTimeMillis);
  }

  /** @param clock wall-clock milliseconds; tests move it instead of sleeping */
  AlertDetector(AlertingSettings settings, Consumer<AlertEvent> publish, LongSupplier clock) {
    this.settings = settings;
    this.publish = publish;
    this.clock = clock;
  }

  @Override
  public void recorded(SpendEvent event, SpendRow row) {
    long now = clock.getAsLong();
    Totals model = totals.computeIfAbsent(event.model() == null ? "" : event.model(), m -> new Totals());
    model.requests.increment();
    model.cost.add(row.spend());
    boolean failed = event.errorType() != null || event.status() >= 400;
    if (failed) {
      model.failures.increment();
    }
    Deployment deployment = event.deployment();
    String budgetHolder = row.apiKey() != null ? row.apiKey() : row.teamId() != null ? row.teamId() : row.endUser();
    if ("budget_exceeded".equals(event.errorType()) && settings.wants(AlertEvent.BUDGET)) {
      fire(AlertEvent.BUDGET, "High", "Budget crossed" + (row.keyAlias() != null ? " for key " + row.keyAlias() : "")
          + (row.teamId() != null ? " (team " + row.teamId() + ")" : "") + ": requests are refused until the budget resets",
          "budget:" + budgetHolder, now, settings.budgetAlertTtlMs(), new JsonObject().put("event", "budget_crossed")
              .put("token", row.apiKey()).put("key_alias", row.keyAlias()).put("team_id", row.teamId())
              .put("user_id", row.userId()).put("customer_id", row.endUser()));
    }
    if (deployment == null) {
      return;
    }
    double seconds = event.durationNanos() / 1e9;
    if (!failed && seconds > settings.thresholdSeconds() && settings.wants(AlertEvent.SLOW)) {
      fire(AlertEvent.SLOW, "Low", String.format("Responses from %s are slow: %.1f s, above alerting_threshold %.0f s",
          deployment.describe(), seconds, settings.thresholdSeconds()), "slow:" + deployment.id(), now,
          settings.outageAlertTtlMs(), deploymentDetails(event).put("duration_s", seconds));
    }
    if ((providerFailure(event) || event.status() == 429) && settings.wants(AlertEvent.LLM_EXCEPTIONS)) {
      // One per deployment and status within outage_alert_ttl: a failing provider is one alert, not one per request.
      fire(AlertEvent.LLM_EXCEPTIONS, "High", "LLM API call failed: " + deployment.describe() + " answered HTTP "
          + event.status() + (event.errorType() == null ? "" : " " + event.errorType()), deployment.id() + ":"
          + event.status(), now, settings.outageAlertTtlMs(), deploymentDetails(event).put("status", event.status())
              .put("error_type", event.errorType()));
    }
    if (providerFailure(event)) {
      regionOutage(event, deployment, now);
    }
    if (providerFailure(event) && settings.wants(AlertEvent.OUTAGE) && outageStarts(deployment.id(), now)) {
      fire(AlertEvent.OUTAGE, "High", "Outage: " + deployment.describe() + " failed " + settings.outageThreshold()
          + " requests within " + settings.outageAlertTtlMs() / 1000 + " s (last: HTTP " + event.status() + " "
          + event.errorType() + ")", "outage:" + deployment.id(), now, settings.outageAlertTtlMs(),
          deploymentDetails(event).put("status", event.status()));
    }
  }

  /**
   * A provider region failing across deployments: {@code minor_outage_alert_threshold} provider
   * failures within {@code outage_alert_ttl} from more than one deployment of the region, once per window.
   */
  private void regionOutage(SpendEvent event, Deployment deployment, long now) {
    String region = region(deployment);
    if (region == null || !settings.wants(AlertEvent.REGION_OUTAGE)) {
      return;
    }
    Window window = regions.computeIfAbsent(region, r -> new Window());
    int failures;
    int deployments;
    synchronized (window) {
      if (now - window.startMs >= settings.outageAlertTtlMs()) {
        window.startMs = now;
        window.failures = 0;
        window.deployments.clear();
        window.alerted = false;
      }
      window.failures++;
      window.deployments.add(deployment.id());
      if (window.alerted || window.failures < settings.outageThreshold() || window.deployments.size() < 2) {
        return;
      }
      window.alerted = true;
      failures = window.failures;
      deployments = window.deployments.size();
    }
    fire(AlertEvent.REGION_OUTAGE, "High", "Region outage: " + region + " failed " + failures + " requests on "
        + deployments + " deployments within " + settings.outageAlertTtlMs() / 1000 + " s (last: HTTP "
        + event.status() + ")", region, now, settings.outageAlertTtlMs(), new JsonObject().put("provider_region", region)
        .put("deployments", deployments).put("failures", failures));
  }

  /** LiteLLM's provider region: Bedrock's AWS region, Vertex AI's location; null where Switchboard reads none. */
  static String region(Deployment deployment) {
    String provider = deployment.provider().prefix();
    if ("bedrock".equals(provider)) {
      return provider + "/" + deployment.awsAuth().region();
    }
    if (provider.startsWith("vertex") && deployment.vertexAuth().location().isSet()) {
      return provider + "/" + deployment.vertexAuth().location().value();
    }
    return null;
  }

  /** The provider's own failures: 5xx, timeouts; not the client's errors, refusals or leaving. */
  private static boolean providerFailure(SpendEvent event) {
    return event.status() >= 500 || event.status() == 408
        || (event.errorType() != null && event.errorType().contains("timeout"));
  }

  /** Counts a failure in the deployment's window; true only for the one that reaches the threshold. */
  private boolean outageStarts(String deploymentId, long now) {
    Window window = outages.computeIfAbsent(deploymentId, id -> new Window());
    synchronized (window) {
      if (now - window.startMs >= settings.outageAlertTtlMs()) {
        window.startMs = now;
        window.failures = 0;
      }
      window.failures++;
      return window.failures == settings.outageThreshold();
    }
  }

  private static JsonObject deploymentDetails(SpendEvent event) {
    return new JsonObject().put("model_group", event.model()).put("deployment", event.deployment().id())
        .put("provider", event.deployment().provider().prefix());
  }

  private void fire(String type, String level, String message, String key, long now, long ttlMs, JsonObject details) {
    if (published.first(type + ":" + key, now, ttlMs)) {
      publish.accept(new AlertEvent(type, level, message, type + ":" + key, now, details));
    }
  }

  /** The spend report since the last one, and a fresh start; null when nothing was served. */
  AlertEvent report(long now) {
    StringBuilder text = new StringBuilder("Spend report:");
    JsonObject byModel = new JsonObject();
    double total = 0;
    for (Map.Entry<String, Totals> entry : Map.copyOf(totals).entrySet()) {
      totals.remove(entry.getKey());
      Totals t = entry.getValue();
      double cost = t.cost.sum();
      total += cost;
      text.append(String.format("%n- %s: %d requests, %d failed, $%.6f", entry.getKey().isEmpty() ? "(no model)"
          : entry.getKey(), t.requests.sum(), t.failures.sum(), cost));
      byModel.put(entry.getKey(), new JsonObject().put("requests", t.requests.sum()).put("failures", t.failures.sum())
          .put("spend", cost));
    }
    if (byModel.isEmpty()) {
      return null;
    }
    text.append(String.format("%nTotal: $%.6f", total));
    return new AlertEvent(AlertEvent.DAILY_REPORT, "Low", text.toString(), AlertEvent.DAILY_REPORT + ":" + now, now,
        new JsonObject().put("spend", total).put("models", byModel));
  }
}
