package dev.switchboard.reload;

import dev.switchboard.config.DeploymentConfig;
import dev.switchboard.config.GatewayConfig;
import dev.switchboard.config.ObservabilitySettings;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a reload changes between two readings of the config file: models added, removed or
 * redefined, whether the router settings differ, and the sections that differ but only take
 * effect on a restart (they are reported, never applied).
 */
record ConfigChanges(List<String> added, List<String> removed, List<String> changed, boolean routerSettings,
    List<String> restartNeeded) {

  static ConfigChanges between(GatewayConfig before, GatewayConfig after) {
    Map<String, List<DeploymentConfig>> old = byModel(before);
    Map<String, List<DeploymentConfig>> now = byModel(after);
    List<String> added = new ArrayList<>();
    List<String> changed = new ArrayList<>();
    now.forEach((name, deployments) -> {
      if (!old.containsKey(name)) {
        added.add(name);
      } else if (!old.get(name).equals(deployments)) {
        changed.add(name);
      }
    });
    List<String> removed = old.keySet().stream().filter(name -> !now.containsKey(name)).toList();
    List<String> restart = new ArrayList<>();
    differs(restart, "general_settings", before.general(), after.general());
    differs(restart, "general_settings.cluster", before.cluster(), after.cluster());
    differs(restart, "router_settings (redis)", before.router().redis(), after.router().redis());
    differs(restart, "router_settings (queue_max_length, queue_timeout)",
        List.of(before.router().queueMaxLength(), before.router().queueTimeoutSeconds()),
        List.of(after.router().queueMaxLength(), after.router().queueTimeoutSeconds()));
    differs(restart, "litellm_settings", before.litellm(), after.litellm());
    differs(restart, "spend settings", before.spend(), after.spend());
    // The logging callbacks are put in force by the reload; the rest of observability needs a restart.
    differs(restart, "observability settings", withoutCallbacks(before), withoutCallbacks(after));
    return new ConfigChanges(List.copyOf(added), removed, List.copyOf(changed),
        !before.router().routing().equals(after.router().routing()), List.copyOf(restart));
  }

  private static Object withoutCallbacks(GatewayConfig config) {
    ObservabilitySettings o = config.observability();
    return o == null ? null : java.util.Arrays.asList(o.metricsAuth(), o.jsonLogs(), o.tracing(), o.vertxHttpMetrics(),
        o.alerting());
  }

  private static void differs(List<String> out, String section, Object before, Object after) {
    if (!Objects.equals(before, after)) {
      out.add(section);
    }
  }

  private static Map<String, List<DeploymentConfig>> byModel(GatewayConfig config) {
    Map<String, List<DeploymentConfig>> out = new LinkedHashMap<>();
    config.modelList().forEach(entry -> out.computeIfAbsent(entry.modelName(), n -> new ArrayList<>()).add(entry));
    return out;
  }

  JsonObject toJson() {
    return new JsonObject()
        .put("models", new JsonObject().put("added", new JsonArray(added)).put("removed", new JsonArray(removed))
            .put("changed", new JsonArray(changed)))
        .put("router_settings_changed", routerSettings)
        .put("restart_needed", new JsonArray(restartNeeded));
  }
}
