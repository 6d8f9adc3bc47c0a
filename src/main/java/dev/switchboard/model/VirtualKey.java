package dev.switchboard.model;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;

/**
 * A virtual key as stored: never the key itself, only its hash (which never leaves the gateway
 * either: {@link #toJson()} leaves it out).
 *
 * @param models      model names and access groups it may use; empty = every model of the gateway
 * @param teamModels  its team's models, null when it has no team (read when authenticating only)
 * @param userModels  its user's models, null when it has no user (read when authenticating only)
 * @param teamBlocked its team is blocked
 * @param teamQuota   its team's limits and budget, null when it has no team (read when authenticating only)
 * @param userQuota   its user's limits and budget, null when it has no user (read when authenticating only)
 * @param teamMetadata its team's metadata, null when it has no team (read when authenticating only)
 * @param modelMaxBudget LiteLLM's per-model budgets: model → {budget_limit, time_period}; empty when none
 * @param softBudget  the spend past which an alert is raised (never a refusal), or null
 * @param budgetId    the reusable budget it links (its limits are already folded into the fields above when
 *                    read for authentication), or null
 * @param orgModels   its team's organization's models, null when there is none (read when authenticating only)
 */
public record VirtualKey(
    String tokenHash,
    String keyName,
    String keyAlias,
    List<String> models,
    String userId,
    String teamId,
    Instant expires,
    boolean blocked,
    Double maxBudget,
    String budgetDuration,
    Integer rpmLimit,
    Integer tpmLimit,
    Integer maxParallelRequests,
    JsonObject modelRpmLimit,
    JsonObject modelTpmLimit,
    JsonObject metadata,
    List<String> tags,
    double spend,
    Instant createdAt,
    List<String> teamModels,
    List<String> userModels,
    boolean teamBlocked,
    Quota teamQuota,
    Quota userQuota,
    JsonObject teamMetadata,
    JsonObject modelMaxBudget,
    Double softBudget,
    String budgetId,
    List<String> orgModels) {

  /** The key's own limits and budget. */
  public Quota quota() {
    return new Quota(keyAlias != null ? keyAlias : keyName, rpmLimit, tpmLimit, maxParallelRequests, maxBudget,
        budgetDuration);
  }

  /** The same key, expiring by {@code until} at the latest: a regenerated key's old value during its grace period. */
  public VirtualKey expiringBy(Instant until) {
    Instant sooner = expires != null && expires.isBefore(until) ? expires : until;
    return new VirtualKey(tokenHash, keyName, keyAlias, models, userId, teamId, sooner, blocked, maxBudget,
        budgetDuration, rpmLimit, tpmLimit, maxParallelRequests, modelRpmLimit, modelTpmLimit, metadata, tags, spend,
        createdAt, teamModels, userModels, teamBlocked, teamQuota, userQuota, teamMetadata, modelMaxBudget, softBudget,
        budgetId, orgModels);
  }

  public boolean expiredAt(Instant now) {
    return expires != null && !now.isBefore(expires);
  }

  /** LiteLLM's field names; no secret and no hash. */
  public JsonObject toJson() {
    return new JsonObject()
        .put("key_name", keyName)
        .put("key_alias", keyAlias)
        .put("models", new JsonArray(models))
        .put("user_id", userId)
        .put("team_id", teamId)
        .put("expires", expires == null ? null : expires.toString())
        .put("blocked", blocked)
        .put("max_budget", maxBudget)
        .put("budget_duration", budgetDuration)
        .put("rpm_limit", rpmLimit)
        .put("tpm_limit", tpmLimit)
        .put("max_parallel_requests", maxParallelRequests)
        .put("model_rpm_limit", modelRpmLimit)
        .put("model_tpm_limit", modelTpmLimit)
        .put("metadata", metadata)
        .put("tags", new JsonArray(tags))
        .put("spend", spend)
        .put("created_at", createdAt == null ? null : createdAt.toString());
  }

  @Override
  public String toString() {
    return "VirtualKey[" + keyName + (keyAlias == null ? "" : " " + keyAlias) + "]";
  }
}
