package dev.switchboard.model;

import io.vertx.core.json.JsonObject;
import java.time.Instant;

/**
 * Published on {@code switchboard.alerts} (this node's consumers, by reference) when a holder's spend
 * crosses its soft budget: once per crossing, per budget period. Names the holder by its alias or
 * display name, never by a key or its hash.
 *
 * @param type        {@code soft_budget_crossed}
 * @param scope       {@code key}
 * @param name        the key's alias, else its display name ({@code sk-...abcd})
 * @param maxBudget   its hard budget, or null when it has none
 * @param periodStart the budget period the crossing happened in (the epoch for a budget that never resets)
 */
public record BudgetAlert(String type, String scope, String name, double spend, double softBudget, Double maxBudget,
    Instant periodStart, Instant at) {

  public static final String SOFT_BUDGET_CROSSED = "soft_budget_crossed";

  public JsonObject toJson() {
    return new JsonObject().put("type", type).put("scope", scope).put("name", name).put("spend", spend)
        .put("soft_budget", softBudget).put("max_budget", maxBudget).put("period_start", periodStart.toString())
        .put("at", at.toString());
  }
}
