package dev.switchboard.guardrail;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code json_schema} (Switchboard's own): the answer text must be JSON that fits {@code schema}
 * (type, properties, required, additionalProperties, items, enum). {@code level} says what a
 * misfit does: {@code strict} blocks the answer; {@code moderate} drops the parts that do not fit
 * (an answer that is not JSON at all is masked whole) and logs a warning; {@code lenient} only logs.
 */
final class JsonSchemaCheck implements Check {

  enum Level { STRICT, MODERATE, LENIENT }

  static final String NOT_JSON = "[INVALID_JSON_REDACTED]";

  private final JsonObject schema;
  private final Level level;

  JsonSchemaCheck(JsonObject schema, Level level) {
    this.schema = schema;
    this.level = level;
  }

  static JsonSchemaCheck of(Map<String, Object> params) {
    Object raw = params.get("schema");
    JsonObject schema = raw instanceof Map<?, ?> map ? new JsonObject(Json.encode(map))
        : raw instanceof String text ? new JsonObject(text) : null;
    if (schema == null) {
      throw new IllegalArgumentException("schema must be a JSON schema object");
    }
    String level = params.get("level") == null ? "strict" : String.valueOf(params.get("level"));
    try {
      return new JsonSchemaCheck(schema, Level.valueOf(level.toUpperCase(Locale.ROOT)));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("level must be strict, moderate or lenient, got '" + level + "'");
    }
  }

  @Override
  public Verdict check(Texts texts) {
    List<String> problems = new ArrayList<>();
    for (int i = 0; i < texts.size(); i++) {
      Object value;
      try {
        value = Json.decodeValue(texts.get(i));
      } catch (DecodeException e) {
        problems.add("the answer is not JSON");
        if (level == Level.MODERATE) {
          texts.set(i, NOT_JSON);
        }
        continue;
      }
      List<String> found = new ArrayList<>();
      boolean fits = fits(value, schema, "$", found, level == Level.MODERATE);
      problems.addAll(found);
      if (level == Level.MODERATE && !found.isEmpty()) {
        texts.set(i, fits ? Json.encode(value) : NOT_JSON);
      }
    }
    if (problems.isEmpty()) {
      return Verdict.PASS;
    }
    if (level == Level.STRICT) {
      return Verdict.block("The answer does not match the guardrail's JSON schema: " + String.join("; ", problems));
    }
    return Verdict.noted(problems);
  }

  /**
   * Whether {@code value} fits; each misfit is added to {@code problems}. With {@code repair}, an
   * object's misfit properties are removed (the object then fits unless a required one went).
   */
  private static boolean fits(Object value, JsonObject schema, String path, List<String> problems, boolean repair) {
    if (schema.getValue("enum") instanceof JsonArray allowed && !allowed.contains(value)) {
      problems.add(path + " is not one of " + allowed.encode());
      return false;
    }
    String type = schema.getString("type");
    if (type != null && !hasType(value, type)) {
      problems.add(path + " must be " + type);
      return false;
    }
    if (value instanceof JsonObject object) {
      JsonObject properties = schema.getJsonObject("properties", new JsonObject());
      boolean closed = Boolean.FALSE.equals(schema.getValue("additionalProperties"));
      for (Iterator<Map.Entry<String, Object>> it = object.iterator(); it.hasNext(); ) {
        Map.Entry<String, Object> field = it.next();
        JsonObject own = properties.getJsonObject(field.getKey());
        boolean ok = own != null ? fits(field.getValue(), own, path + "." + field.getKey(), problems, repair) : !closed;
        if (own == null && closed) {
          problems.add(path + "." + field.getKey() + " is not allowed");
        }
        if (!ok && repair) {
          it.remove();
        }
      }
      boolean whole = true;
      for (Object required : schema.getJsonArray("required", new JsonArray())) {
        if (!object.containsKey(String.valueOf(required))) {
          problems.add(path + "." + required + " is required");
          whole = false;
        }
      }
      return whole && (repair || problems.isEmpty());
    }
    if (value instanceof JsonArray array && schema.getValue("items") instanceof JsonObject items) {
      boolean all = true;
      for (int i = 0; i < array.size(); i++) {
        all &= fits(array.getValue(i), items, path + "[" + i + "]", problems, repair);
      }
      return all;
    }
    return true;
  }

  private static boolean hasType(Object value, String type) {
    return switch (type) {
      case "object" -> value instanceof JsonObject;
      case "array" -> value instanceof JsonArray;
      case "string" -> value instanceof String;
      case "integer" -> value instanceof Integer || value instanceof Long
          || value instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue());
      case "number" -> value instanceof Number;
      case "boolean" -> value instanceof Boolean;
      case "null" -> value == null;
      default -> true;
    };
  }
}
