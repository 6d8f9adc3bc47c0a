package dev.switchboard.keys;

import dev.switchboard.config.BudgetPeriod;
import dev.switchboard.errors.GatewayError;
import io.vertx.core.json.JsonObject;
import java.util.Set;

/**
 * Checks a key's {@code model_max_budget} as LiteLLM's BudgetConfig reads it: model name → {@code
 * {"budget_limit": 0.5, "time_period": "1d"}} ({@code max_budget} / {@code budget_duration} are
 * its other spellings). Per-model rate limits belong in model_rpm_limit / model_tpm_limit here.
 */
final class ModelMaxBudget {

  private static final String FIELD = "model_max_budget";
  private static final Set<String> KNOWN = Set.of("budget_limit", "max_budget", "time_period", "budget_duration");

  private ModelMaxBudget() {
  }

  static void check(JsonObject perModel) {
    for (String model : perModel.fieldNames()) {
      if (!(perModel.getValue(model) instanceof JsonObject config)) {
        throw bad(model, "must be an object such as {\"budget_limit\": 0.5, \"time_period\": \"1d\"}");
      }
      for (String field : config.fieldNames()) {
        if (!KNOWN.contains(field)) {
          throw bad(model, "has '" + field + "', which is not a budget field (budget_limit, time_period)"
              + (field.endsWith("pm_limit") ? "; per-model rate limits go in model_rpm_limit / model_tpm_limit" : ""));
        }
      }
      Object limit = config.getValue("budget_limit", config.getValue("max_budget"));
      if (!(limit instanceof Number n) || n.doubleValue() < 0) {
        throw bad(model, "needs 'budget_limit', a number of at least 0 (USD)");
      }
      Object period = config.getValue("time_period", config.getValue("budget_duration"));
      if (period != null && (!(period instanceof String text) || BudgetPeriod.parse(text) == null)) {
        throw bad(model, "has a 'time_period' that is not a period such as 1h, 1d, 7d, 30d or 1mo");
      }
    }
  }

  private static GatewayError bad(String model, String problem) {
    return GatewayError.badRequest(FIELD, "'" + FIELD + "' entry '" + model + "' " + problem + ".");
  }
}
