package dev.switchboard.keys;

import dev.switchboard.errors.GatewayError;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The settable fields of a key in a {@code /key/generate} or {@code /key/update} body, validated
 * and mapped to their columns. Each bad value is a 400 that names the field.
 */
final class KeyFields {

  private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(s|m|h|d|w|mo)");

  private KeyFields() {
  }

  /** Column → value, in a stable order, only for the fields present in {@code body}. */
  static Map<String, Object> parse(JsonObject body, Instant now) {
    Map<String, Object> columns = new LinkedHashMap<>();
    strings(body, "models", columns);
    strings(body, "tags", columns);
    text(body, "key_alias", columns);
    text(body, "user_id", columns);
    text(body, "team_id", columns);
    text(body, "budget_duration", columns);
    if (body.getValue("budget_duration") instanceof String period) {
      duration(period, "budget_duration");
    }
    number(body, "max_budget", columns);
    whole(body, "rpm_limit", columns);
    whole(body, "tpm_limit", columns);
    whole(body, "max_parallel_requests", columns);
    object(body, "model_rpm_limit", columns);
    object(body, "model_tpm_limit", columns);
    object(body, "metadata", columns);
    if (body.containsKey("blocked")) {
      if (!(body.getValue("blocked") instanceof Boolean blocked)) {
        throw GatewayError.badRequest("blocked", "'blocked' must be true or false.");
      }
      columns.put("blocked", blocked);
    }
    if (body.containsKey("duration")) {
      Object duration = body.getValue("duration");
      if (duration != null && !(duration instanceof String)) {
        throw GatewayError.badRequest("duration", "'duration' must be a string such as \"30d\", \"1h\" or \"15m\".");
      }
      columns.put("expires", duration == null ? null : now.plus(duration((String) duration, "duration")).atOffset(ZoneOffset.UTC));
    }
    if (body.getValue("expires") instanceof String expires) {
      try {
        columns.put("expires", OffsetDateTime.parse(expires));
      } catch (DateTimeParseException e) {
        throw GatewayError.badRequest("expires", "'expires' must be an ISO-8601 time such as 2030-01-31T00:00:00Z.");
      }
    }
    return columns;
  }

  /** LiteLLM's durations: 30s, 15m, 1h, 30d, 1w, 1mo (a month counted as 30 days here). */
  static Duration duration(String text, String field) {
    Matcher matcher = DURATION.matcher(text.trim());
    if (!matcher.matches()) {
      throw GatewayError.badRequest(field, "'" + field + "' must look like 30s, 15m, 1h, 30d, 1w or 1mo; got '" + text + "'.");
    }
    long amount = Long.parseLong(matcher.group(1));
    return switch (matcher.group(2)) {
      case "s" -> Duration.ofSeconds(amount);
      case "m" -> Duration.ofMinutes(amount);
      case "h" -> Duration.ofHours(amount);
      case "d" -> Duration.ofDays(amount);
      case "w" -> Duration.ofDays(7 * amount);
      default -> Duration.ofDays(30 * amount);
    };
  }

  private static void strings(JsonObject body, String field, Map<String, Object> columns) {
    if (!body.containsKey(field)) {
      return;
    }
    Object value = body.getValue(field);
    if (!(value instanceof JsonArray list) || list.stream().anyMatch(item -> !(item instanceof String))) {
      throw GatewayError.badRequest(field, "'" + field + "' must be a list of strings.");
    }
    columns.put(field, list.getList().toArray(new String[0]));
  }

  private static void text(JsonObject body, String field, Map<String, Object> columns) {
    if (!body.containsKey(field)) {
      return;
    }
    Object value = body.getValue(field);
    if (value != null && !(value instanceof String)) {
      throw GatewayError.badRequest(field, "'" + field + "' must be a string.");
    }
    columns.put(field, value);
  }

  private static void number(JsonObject body, String field, Map<String, Object> columns) {
    if (!body.containsKey(field)) {
      return;
    }
    Object value = body.getValue(field);
    if (value != null && (!(value instanceof Number n) || n.doubleValue() < 0)) {
      throw GatewayError.badRequest(field, "'" + field + "' must be a number of at least 0.");
    }
    columns.put(field, value == null ? null : ((Number) value).doubleValue());
  }

  private static void whole(JsonObject body, String field, Map<String, Object> columns) {
    if (!body.containsKey(field)) {
      return;
    }
    Object value = body.getValue(field);
    if (value != null && (!(value instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue()) || n.longValue() < 0
        || n.longValue() > Integer.MAX_VALUE)) {
      throw GatewayError.badRequest(field, "'" + field + "' must be a whole number of at least 0.");
    }
    columns.put(field, value == null ? null : ((Number) value).intValue());
  }

  private static void object(JsonObject body, String field, Map<String, Object> columns) {
    if (!body.containsKey(field)) {
      return;
    }
    Object value = body.getValue(field);
    if (value != null && !(value instanceof JsonObject)) {
      throw GatewayError.badRequest(field, "'" + field + "' must be an object.");
    }
    columns.put(field, value == null ? new JsonObject() : value);
  }
}
