package dev.switchboard.keys;

import dev.switchboard.config.BudgetPeriod;
import dev.switchboard.model.VirtualKey;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.ZoneId;

/**
 * A key as LiteLLM's management API shows it (its {@code LiteLLM_VerificationToken} fields): the
 * hashed token as its identifier, every field present, null where unset. Fields Switchboard does
 * not support (organizations, aliases, permissions) are null or empty, and requests that try to set
 * them are refused (see {@link KeyFields}). Never the key's value.
 */
final class KeyView {

  /** LiteLLM's name for the master key's user in {@code created_by} and {@code updated_by}. */
  static final String ADMIN = "default_user_id";

  private KeyView() {
  }

  static JsonObject of(KeyStore.Stored stored, ZoneId zone, Instant now) {
    VirtualKey key = stored.key();
    return new JsonObject()
        .put("token", key.tokenHash())
        .put("key_name", key.keyName())
        .put("key_alias", key.keyAlias())
        .put("spend", key.spend())
        .put("max_budget", key.maxBudget())
        .put("expires", text(key.expires()))
        .put("models", new JsonArray(key.models()))
        .put("aliases", new JsonObject())
        .put("config", new JsonObject())
        .put("user_id", key.userId())
        .put("team_id", key.teamId())
        .put("organization_id", null)
        .put("permissions", new JsonObject())
        .put("max_parallel_requests", key.maxParallelRequests())
        .put("metadata", key.metadata())
        .put("blocked", key.blocked())
        .put("tpm_limit", key.tpmLimit())
        .put("rpm_limit", key.rpmLimit())
        .put("budget_duration", key.budgetDuration())
        .put("budget_reset_at", text(resetAt(key.budgetDuration(), zone, now)))
        .put("budget_id", key.budgetId())
        .put("soft_budget", key.softBudget())
        // LiteLLM's flag for a key past its soft budget (alerted, never refused).
        .put("soft_budget_cooldown", key.softBudget() != null && key.spend() >= key.softBudget())
        .put("model_max_budget", key.modelMaxBudget() == null ? new JsonObject() : key.modelMaxBudget())
        .put("model_spend", new JsonObject())
        .put("allowed_cache_controls", new JsonArray())
        .put("model_rpm_limit", emptyAsNull(key.modelRpmLimit()))
        .put("model_tpm_limit", emptyAsNull(key.modelTpmLimit()))
        .put("tags", new JsonArray(key.tags()))
        .put("created_at", text(key.createdAt()))
        .put("created_by", stored.createdBy())
        .put("updated_at", text(stored.updatedAt()))
        .put("updated_by", stored.updatedBy())
        .put("last_active", null);
  }

  /** When the key's budget period ends next, as LiteLLM's budget_reset_at; null without a period. */
  static Instant resetAt(String budgetDuration, ZoneId zone, Instant now) {
    BudgetPeriod period = budgetDuration == null ? null : BudgetPeriod.parse(budgetDuration);
    return period == null ? null : period.end(period.start(now, zone), zone);
  }

  private static JsonObject emptyAsNull(JsonObject limits) {
    return limits == null || limits.isEmpty() ? null : limits;
  }

  private static String text(Instant instant) {
    return instant == null ? null : instant.toString();
  }
}
