package dev.switchboard.spend;

import io.vertx.core.json.JsonObject;

/**
 * The parts of a spend row LiteLLM keeps beyond cost and tokens: where the call went, who sent it
 * from where, the caller's metadata and the call's timing. Null fields stay null in the row.
 *
 * @param apiBase               the deployment's base URL, without credentials or query
 * @param metadata              LiteLLM's SpendLogsMetadata: the key's owner, the client's metadata (bounded), the outcome
 * @param cacheKey              the response cache's key for the call; null while no cache answered it
 * @param requesterIp           the client's address as the gateway saw it
 * @param completionStartMillis a stream's first token, else the end of the call
 * @param durationMs            from the request's arrival to its last byte
 * @param cacheHit              the answer came from the response cache
 */
public record SpendDetail(String apiBase, JsonObject metadata, String cacheKey, String requesterIp,
    Long completionStartMillis, Long durationMs, boolean cacheHit) {

  public SpendDetail(String apiBase, JsonObject metadata, String cacheKey, String requesterIp,
      Long completionStartMillis, Long durationMs) {
    this(apiBase, metadata, cacheKey, requesterIp, completionStartMillis, durationMs, false);
  }

  JsonObject toJson() {
    return new JsonObject().put("api_base", apiBase).put("metadata", metadata).put("cache_key", cacheKey)
        .put("ip", requesterIp).put("completion_start", completionStartMillis).put("duration_ms", durationMs).put("cache_hit", cacheHit);
  }

  static SpendDetail fromJson(JsonObject json) {
    return json == null ? null : new SpendDetail(json.getString("api_base"), json.getJsonObject("metadata"),
        json.getString("cache_key"), json.getString("ip"), json.getLong("completion_start"), json.getLong("duration_ms"),
        json.getBoolean("cache_hit", false));
  }
}
