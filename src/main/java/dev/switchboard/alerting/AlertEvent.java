package dev.switchboard.alerting;

import dev.switchboard.model.BudgetAlert;
import io.vertx.core.json.JsonObject;

/**
 * One alert, published on {@link #ADDRESS} ({@code switchboard.alerts}) by whatever noticed it,
 * local to the node (a by-reference codec). The alerting stage filters it by
 * {@code general_settings.alert_types}, drops repeats of the same {@code dedupKey} within the
 * type's time to live, and posts it to Slack and/or the webhook.
 *
 * @param type         LiteLLM's alert type: {@code budget_alerts}, {@code soft_budget_crossed},
 *                     {@code outage_alerts}, {@code cooldown_deployment}, {@code llm_too_slow},
 *                     {@code failed_tracking_spend}, {@code daily_reports}, {@code llm_exceptions},
 *                     {@code llm_requests_hanging}, {@code fallback_reports}, {@code region_outage_alerts}
 * @param level        {@code Low}, {@code Medium} or {@code High}, as LiteLLM's Slack alerts say
 * @param message      one human-readable line (no secrets: key hashes at most)
 * @param dedupKey     alerts with the same key within the type's TTL are sent once ({@code type:subject})
 * @param epochMillis  when it happened
 * @param details      fields for the webhook payload (spend, max_budget, key_alias, team_id, deployment...), never null
 */
public record AlertEvent(String type, String level, String message, String dedupKey, long epochMillis,
    JsonObject details) {

  /** Where alerts are published; one consumer (the alerting stage) per node. */
  public static final String ADDRESS = "switchboard.alerts";

  public static final String BUDGET = "budget_alerts";
  public static final String SOFT_BUDGET = "soft_budget_crossed";
  public static final String OUTAGE = "outage_alerts";
  public static final String COOLDOWN = "cooldown_deployment";
  public static final String SLOW = "llm_too_slow";
  public static final String FAILED_SPEND_WRITES = "failed_tracking_spend";
  public static final String DAILY_REPORT = "daily_reports";
  public static final String LLM_EXCEPTIONS = "llm_exceptions";
  public static final String HANGING = "llm_requests_hanging";
  public static final String FALLBACK_REPORT = "fallback_reports";
  public static final String REGION_OUTAGE = "region_outage_alerts";

  public AlertEvent {
    details = details == null ? new JsonObject() : details;
  }

  /**
   * From a JSON form with the same fields ({@code type}, {@code level}, {@code message},
   * {@code dedup_key}, {@code epoch_millis}, {@code details}), for publishers that do not share this
   * record; null when it has no type.
   */
  static AlertEvent fromJson(JsonObject json) {
    String type = json.getString("type");
    if (type == null) {
      return null;
    }
    return new AlertEvent(type, json.getString("level", "Medium"), json.getString("message", type),
        json.getString("dedup_key", type), json.getLong("epoch_millis", System.currentTimeMillis()),
        json.getJsonObject("details"));
  }

  /** A soft budget crossed, as the spend stage publishes it: once per holder and budget period. */
  static AlertEvent of(BudgetAlert crossed) {
    String message = String.format(java.util.Locale.ROOT, "Soft budget crossed: %s '%s' has spent $%.6f of its soft budget $%.6f",
        crossed.scope(), crossed.name(), crossed.spend(), crossed.softBudget());
    return new AlertEvent(SOFT_BUDGET, "Medium", message,
        SOFT_BUDGET + ":" + crossed.scope() + ":" + crossed.name() + ":" + crossed.periodStart(),
        crossed.at().toEpochMilli(), crossed.toJson().put("event", SOFT_BUDGET));
  }

  /**
   * The webhook's body: LiteLLM's WebhookEvent fields ({@code event}: the details' own, such as
   * {@code budget_crossed}, else the alert type; {@code event_group}, {@code event_message}), the
   * alert type and the details.
   */
  JsonObject toWebhookJson() {
    return details.copy().put("event", details.getString("event", type)).put("alert_type", type)
        .put("event_group", details.getString("event_group", group()))
        .put("event_message", message).put("level", level)
        .put("timestamp", java.time.Instant.ofEpochMilli(epochMillis).toString());
  }

  private String group() {
    return switch (type) {
      case BUDGET, SOFT_BUDGET -> "key";
      case OUTAGE, COOLDOWN, SLOW, LLM_EXCEPTIONS, HANGING, REGION_OUTAGE -> "deployment";
      default -> "proxy";
    };
  }
}
