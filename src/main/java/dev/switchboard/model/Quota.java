package dev.switchboard.model;

import io.vertx.core.json.JsonObject;

/**
 * The limits one holder (a key, its user or its team) sets; every field null when unset.
 *
 * @param id             the holder's id (key alias or name, user_id, team_id), for messages and counters
 * @param softBudget     the spend past which an alert is raised, never a refusal (a team's, a user's linked budget's)
 * @param modelMaxBudget LiteLLM's per-model budgets of a user or team: model → {budget_limit, time_period};
 *                       null or empty when none (a key's own are on the key)
 */
public record Quota(
    String id,
    Integer rpmLimit,
    Integer tpmLimit,
    Integer maxParallelRequests,
    Double maxBudget,
    String budgetDuration,
    Double softBudget,
    JsonObject modelMaxBudget) {

  /** Limits and a budget without a soft budget or per-model budgets. */
  public Quota(String id, Integer rpmLimit, Integer tpmLimit, Integer maxParallelRequests, Double maxBudget,
      String budgetDuration) {
    this(id, rpmLimit, tpmLimit, maxParallelRequests, maxBudget, budgetDuration, null, null);
  }
}
