package dev.switchboard.catalog;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * One deployment kept in the database, as LiteLLM's {@code LiteLLM_ProxyModelTable} row holds it.
 * {@code litellmParams} holds the provider secrets in clear in memory only: they are sealed on the
 * way to Postgres and never part of an answer.
 */
record StoredModel(String id, String modelName, JsonObject litellmParams, JsonObject modelInfo, Instant createdAt,
    String createdBy, Instant updatedAt, String updatedBy) {

  /** LiteLLM's name for the master key's user, as creator and updater. */
  static final String ADMIN = "default_user_id";

  /** The litellm_params that are credentials: sealed at rest, left out of every answer. */
  static final Set<String> SECRETS = Set.of("api_key", "aws_access_key_id", "aws_secret_access_key",
      "aws_session_token", "aws_bearer_token_bedrock", "vertex_credentials", "client_secret", "azure_ad_token");

  /** The row as {@code /model/new} and {@code /model/update} answer it: LiteLLM's fields, secrets left out. */
  JsonObject toAnswer() {
    return new JsonObject().put("model_id", id).put("model_name", modelName)
        .put("litellm_params", withoutSecrets(litellmParams))
        .put("model_info", modelInfo.copy().put("id", id).put("db_model", true))
        .put("created_at", createdAt.toString()).put("created_by", createdBy)
        .put("updated_at", updatedAt.toString()).put("updated_by", updatedBy);
  }

  /** What {@code /model/new} would have been given for this deployment: the entry the model list reads. */
  Map<String, Object> asEntry() {
    return plain(new JsonObject().put("model_name", modelName).put("litellm_params", litellmParams)
        .put("model_info", modelInfo.copy().put("id", id)));
  }

  /** Plain maps and lists all the way down, as the config reader takes them. */
  static Map<String, Object> plain(JsonObject json) {
    Map<String, Object> out = new LinkedHashMap<>();
    json.forEach(field -> out.put(field.getKey(), plainValue(field.getValue())));
    return out;
  }

  private static Object plainValue(Object value) {
    if (value instanceof JsonObject object) {
      return plain(object);
    }
    if (value instanceof JsonArray array) {
      List<Object> out = new ArrayList<>();
      array.forEach(item -> out.add(plainValue(item)));
      return out;
    }
    return value;
  }

  /** The same params with each secret replaced by what {@code change} makes of it. */
  static JsonObject mapSecrets(JsonObject params, UnaryOperator<String> change) {
    JsonObject out = params.copy();
    for (String field : SECRETS) {
      if (out.getValue(field) instanceof String value) {
        out.put(field, change.apply(value));
      }
    }
    return out;
  }

  static JsonObject withoutSecrets(JsonObject params) {
    JsonObject out = params.copy();
    SECRETS.forEach(out::remove);
    return out;
  }
}
