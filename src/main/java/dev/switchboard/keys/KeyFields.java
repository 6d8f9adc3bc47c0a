package dev.switchboard.keys;

import dev.switchboard.errors.GatewayError;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The settable fields of a key in a {@code /key/generate} or {@code /key/update} body: the
 * declared ones, plus {@code duration} / {@code expires}, which become the expiry time.
 */
final class KeyFields {

  private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(s|m|h|d|w|mo)");

  private KeyFields() {
  }

  private static final Map<String, Fields.Kind> DECLARED = declared();
  /** The fields that set the expiry time. */
  private static final Set<String> TIMES = Set.of("duration", "expires");

  private static Map<String, Fields.Kind> declared() {
    Map<String, Fields.Kind> fields = new LinkedHashMap<>();
    fields.put("models", Fields.Kind.STRINGS);
    fields.put("tags", Fields.Kind.STRINGS);
    fields.put("key_alias", Fields.Kind.TEXT);
    fields.put("user_id", Fields.Kind.TEXT);
    fields.put("team_id", Fields.Kind.TEXT);
    fields.put("budget_duration", Fields.Kind.PERIOD);
    fields.put("max_budget", Fields.Kind.NUMBER);
    fields.put("rpm_limit", Fields.Kind.WHOLE);
    fields.put("tpm_limit", Fields.Kind.WHOLE);
    fields.put("max_parallel_requests", Fields.Kind.WHOLE);
    fields.put("model_rpm_limit", Fields.Kind.OBJECT);
    fields.put("model_tpm_limit", Fields.Kind.OBJECT);
    fields.put("metadata", Fields.Kind.OBJECT);
    fields.put("blocked", Fields.Kind.FLAG);
    fields.put("spend", Fields.Kind.NUMBER);
    fields.put("soft_budget", Fields.Kind.NUMBER);
    fields.put("budget_id", Fields.Kind.TEXT);
    fields.put("model_max_budget", Fields.Kind.OBJECT);
    return Collections.unmodifiableMap(fields);
  }

  /**
   * LiteLLM's {@code guardrails} key field, kept where LiteLLM keeps it: in the key's
   * {@code metadata.guardrails}, which the gateway reads at each request. An update that sends it
   * without {@code metadata} is refused, because metadata is replaced as a whole.
   */
  static void foldGuardrails(JsonObject body, boolean creating) {
    if (!body.containsKey("guardrails")) {
      return;
    }
    Object guardrails = body.remove("guardrails");
    if (guardrails != null && !(guardrails instanceof JsonArray)) {
      throw GatewayError.badRequest("guardrails", "'guardrails' must be a list of guardrail names.");
    }
    Object metadata = body.getValue("metadata");
    if (metadata == null && !creating) {
      throw GatewayError.badRequest("guardrails", "On /key/update send 'guardrails' inside 'metadata' with the rest "
          + "of the key's metadata: metadata is replaced as a whole.");
    }
    if (metadata != null && !(metadata instanceof JsonObject)) {
      return; // the metadata field's own check names the problem
    }
    JsonObject merged = metadata == null ? new JsonObject() : (JsonObject) metadata;
    body.put("metadata", merged.put("guardrails", guardrails));
  }

  /**
   * Column → value, in a stable order, only for the fields present in {@code body}. A field that is
   * neither settable nor in {@code alsoTaken} (what the route reads itself, such as {@code key}) is a
   * 400 naming it: a LiteLLM field Switchboard does not enforce (permissions, allowed_routes...)
   * must not look accepted.
   */
  static Map<String, Object> parse(JsonObject body, Instant now, Set<String> alsoTaken) {
    Set<String> taken = new HashSet<>(TIMES);
    taken.addAll(alsoTaken);
    Fields.refuseUndeclared(body, DECLARED, taken);
    Map<String, Object> columns = Fields.parse(body, DECLARED);
    if (columns.get("model_max_budget") instanceof JsonObject perModel) {
      ModelMaxBudget.check(perModel);
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

}
