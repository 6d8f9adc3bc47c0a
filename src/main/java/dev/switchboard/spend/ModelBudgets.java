package dev.switchboard.spend;

import io.vertx.core.json.JsonObject;

/**
 * A key's {@code model_max_budget} (LiteLLM's per-model budgets): model name → {@code {"budget_limit":
 * 0.5, "time_period": "1d"}} (LiteLLM's BudgetConfig also reads {@code max_budget} / {@code
 * budget_duration}); an entry with no period never resets. Entries are checked when a key is written
 * (KeyFields), so one that does not read here is skipped, as LiteLLM skips it.
 */
final class ModelBudgets {

  /** The entry that governs a request, under the name it was configured with. */
  record Entry(String model, double limit, String period) {
  }

  private ModelBudgets() {
  }

  /** The entry for {@code model}: as asked, else without its {@code provider/} prefix, as LiteLLM looks it up; or null. */
  static Entry find(JsonObject budgets, String model) {
    if (budgets == null || budgets.isEmpty() || model == null) {
      return null;
    }
    Entry exact = entry(budgets, model);
    int slash = model.lastIndexOf('/');
    return exact != null || slash < 0 ? exact : entry(budgets, model.substring(slash + 1));
  }

  private static Entry entry(JsonObject budgets, String model) {
    if (!(budgets.getValue(model) instanceof JsonObject config)) {
      return null;
    }
    Object limit = config.getValue("budget_limit", config.getValue("max_budget"));
    Object period = config.getValue("time_period", config.getValue("budget_duration"));
    return limit instanceof Number n ? new Entry(model, n.doubleValue(), period instanceof String p ? p : null) : null;
  }
}
