package dev.switchboard.alerting;

import dev.switchboard.config.AlertingSettings;
import dev.switchboard.spend.InFlight;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the alerting stage finds by looking periodically rather than per request: model calls in
 * flight past {@code alerting_threshold} ({@code llm_requests_hanging}, one alert per model group,
 * no timer per request), and the fallbacks the router counted since the last report
 * ({@code fallback_reports}, read from the same counters /metrics shows, as LiteLLM reads Prometheus).
 * Called on the alerting stage's context only.
 */
final class Sweeps {

  static final String SUCCESSFUL = "litellm_deployment_successful_fallbacks";
  static final String FAILED = "litellm_deployment_failed_fallbacks";

  private final AlertingSettings settings;
  private final InFlight inFlight;
  private final MeterRegistry registry;
  /** Each fallback counter's count at the last report. */
  private final Map<Counter, Double> reported = new HashMap<>();

  Sweeps(AlertingSettings settings, InFlight inFlight, MeterRegistry registry) {
    this.settings = settings;
    this.inFlight = inFlight;
    this.registry = registry;
  }

  /** How often to look for hanging calls: a quarter of the threshold, between 1 and 15 seconds. */
  long hangingSweepMs() {
    return Math.max(1_000, Math.min(15_000, Math.round(settings.thresholdSeconds() * 250)));
  }

  /** An alert per model group with calls in flight longer than the threshold at {@code nowMs}. */
  List<AlertEvent> hanging(long nowMs) {
    if (!settings.wants(AlertEvent.HANGING)) {
      return List.of();
    }
    long thresholdMs = Math.round(settings.thresholdSeconds() * 1000);
    Map<String, List<InFlight.Call>> byModel = new TreeMap<>();
    for (InFlight.Call call : inFlight.calls()) {
      if (nowMs - call.startMillis() > thresholdMs) {
        byModel.computeIfAbsent(call.model() == null ? "" : call.model(), m -> new ArrayList<>()).add(call);
      }
    }
    List<AlertEvent> alerts = new ArrayList<>();
    byModel.forEach((model, calls) -> {
      long oldest = calls.stream().mapToLong(InFlight.Call::startMillis).min().orElse(nowMs);
      JsonArray aliases = new JsonArray();
      calls.stream().map(InFlight.Call::keyAlias).filter(a -> a != null).distinct().limit(10).forEach(aliases::add);
      alerts.add(new AlertEvent(AlertEvent.HANGING, "Medium", String.format(java.util.Locale.ROOT,
          "Requests are hanging - %.0fs+ request time: %d request(s) to model group '%s', the oldest for %d s",
          settings.thresholdSeconds(), calls.size(), model, (nowMs - oldest) / 1000),
          AlertEvent.HANGING + ":" + model, nowMs, new JsonObject().put("model_group", model)
              .put("requests", calls.size()).put("oldest_s", (nowMs - oldest) / 1000).put("key_aliases", aliases)));
    });
    return alerts;
  }

  /** The fallbacks counted since the last report, per requested and fallback model group; null when none. */
  AlertEvent fallbackReport(long nowMs) {
    if (!settings.wants(AlertEvent.FALLBACK_REPORT) || registry == null) {
      return null;
    }
    Map<String, double[]> pairs = new TreeMap<>();
    for (String name : new String[] {SUCCESSFUL, FAILED}) {
      for (Counter counter : registry.find(name).counters()) {
        double now = counter.count();
        double delta = now - reported.getOrDefault(counter, 0.0);
        reported.put(counter, now);
        if (delta > 0) {
          String pair = counter.getId().getTag("requested_model") + " -> " + counter.getId().getTag("fallback_model");
          pairs.computeIfAbsent(pair, p -> new double[2])[name.equals(SUCCESSFUL) ? 0 : 1] += delta;
        }
      }
    }
    if (pairs.isEmpty()) {
      return null;
    }
    StringBuilder text = new StringBuilder("Fallback Statistics:");
    JsonObject details = new JsonObject();
    pairs.forEach((pair, counts) -> {
      text.append(String.format(java.util.Locale.ROOT, "%n- %s: %d successful, %d failed", pair, (long) counts[0],
          (long) counts[1]));
      details.put(pair, new JsonObject().put("successful", (long) counts[0]).put("failed", (long) counts[1]));
    });
    return new AlertEvent(AlertEvent.FALLBACK_REPORT, "Low", text.toString(), AlertEvent.FALLBACK_REPORT + ":" + nowMs,
        nowMs, new JsonObject().put("fallbacks", details));
  }
}
