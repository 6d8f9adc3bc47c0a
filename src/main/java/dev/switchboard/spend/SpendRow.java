package dev.switchboard.spend;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * One request's line in {@code spend_logs}, as the writer and its spool hold it. {@code apiKey} is
 * the key's SHA-256 (never the key); {@code charges} are the budget holders and periods its cost
 * counts toward. A row with {@code detailed} false keeps only what budgets need
 * ({@code disable_spend_logs}).
 */
public record SpendRow(
    String requestId,
    String apiKey,
    String keyName,
    String keyAlias,
    String userId,
    String teamId,
    String modelGroup,
    String modelId,
    String model,
    String provider,
    long promptTokens,
    long completionTokens,
    long cachedTokens,
    long totalTokens,
    double spend,
    long startMillis,
    long endMillis,
    Double ttftMs,
    int status,
    String errorType,
    boolean stream,
    List<String> tags,
    String endUser,
    List<Charge> charges,
    String callType,
    SpendDetail detail) {

  /** A row without a call type. */
  public SpendRow(String requestId, String apiKey, String keyName, String keyAlias, String userId, String teamId,
      String modelGroup, String modelId, String model, String provider, long promptTokens, long completionTokens,
      long cachedTokens, long totalTokens, double spend, long startMillis, long endMillis, Double ttftMs, int status,
      String errorType, boolean stream, List<String> tags, String endUser, List<Charge> charges) {
    this(requestId, apiKey, keyName, keyAlias, userId, teamId, modelGroup, modelId, model, provider, promptTokens,
        completionTokens, cachedTokens, totalTokens, spend, startMillis, endMillis, ttftMs, status, errorType, stream,
        tags, endUser, charges, null, null);
  }

  /** A row without LiteLLM's extra detail (api_base, metadata, timing). */
  public SpendRow(String requestId, String apiKey, String keyName, String keyAlias, String userId, String teamId,
      String modelGroup, String modelId, String model, String provider, long promptTokens, long completionTokens,
      long cachedTokens, long totalTokens, double spend, long startMillis, long endMillis, Double ttftMs, int status,
      String errorType, boolean stream, List<String> tags, String endUser, List<Charge> charges, String callType) {
    this(requestId, apiKey, keyName, keyAlias, userId, teamId, modelGroup, modelId, model, provider, promptTokens,
        completionTokens, cachedTokens, totalTokens, spend, startMillis, endMillis, ttftMs, status, errorType, stream,
        tags, endUser, charges, callType, null);
  }

  /** Only id, times, status and cost: what budgets need when row-level logs are off. */
  SpendRow withoutDetail() {
    return new SpendRow(requestId, null, null, null, null, null, null, null, null, null, 0, 0, 0, 0, spend,
        startMillis, endMillis, null, status, null, stream, List.of(), null, charges, callType, null);
  }

  JsonObject toJson() {
    JsonArray charged = new JsonArray();
    charges.forEach(c -> charged.add(new JsonArray().add(c.holder()).add(c.periodStartMillis())));
    return new JsonObject().put("id", requestId).put("key", apiKey).put("key_name", keyName).put("alias", keyAlias)
        .put("user", userId).put("team", teamId).put("group", modelGroup).put("model_id", modelId).put("model", model)
        .put("provider", provider).put("in", promptTokens).put("out", completionTokens).put("cached", cachedTokens)
        .put("total", totalTokens).put("spend", spend).put("start", startMillis).put("end", endMillis)
        .put("ttft", ttftMs).put("status", status).put("error", errorType).put("stream", stream)
        .put("tags", new JsonArray(new ArrayList<>(tags))).put("end_user", endUser).put("charges", charged).put("call_type", callType)
        .put("detail", detail == null ? null : detail.toJson());
  }

  static SpendRow fromJson(JsonObject json) {
    List<Charge> charges = new ArrayList<>();
    for (Object item : json.getJsonArray("charges", new JsonArray())) {
      JsonArray pair = (JsonArray) item;
      charges.add(new Charge(pair.getString(0), pair.getLong(1)));
    }
    List<String> tags = new ArrayList<>();
    json.getJsonArray("tags", new JsonArray()).forEach(tag -> tags.add(String.valueOf(tag)));
    return new SpendRow(json.getString("id"), json.getString("key"), json.getString("key_name"), json.getString("alias"),
        json.getString("user"), json.getString("team"), json.getString("group"), json.getString("model_id"),
        json.getString("model"), json.getString("provider"), json.getLong("in", 0L), json.getLong("out", 0L),
        json.getLong("cached", 0L), json.getLong("total", 0L), json.getDouble("spend", 0.0), json.getLong("start"),
        json.getLong("end"), json.getDouble("ttft"), json.getInteger("status"), json.getString("error"),
        json.getBoolean("stream", false), List.copyOf(tags), json.getString("end_user"), List.copyOf(charges), json.getString("call_type"),
        SpendDetail.fromJson(json.getJsonObject("detail")));
  }
}
