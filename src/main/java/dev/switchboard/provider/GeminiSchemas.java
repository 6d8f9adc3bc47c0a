package dev.switchboard.provider;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.Set;

/** JSON schemas (tool parameters, response schemas) as Gemini's OpenAPI-subset schemas take them. */
final class GeminiSchemas {

  /** JSON Schema keywords Gemini refuses. */
  private static final Set<String> SCHEMA_ONLY_KEYWORDS = Set.of("$schema", "$id", "additionalProperties", "strict");

  private GeminiSchemas() {
  }

  /** A copy of a JSON schema without the keywords Gemini refuses, at every depth. */
  static JsonObject clean(JsonObject schema) {
    JsonObject out = new JsonObject();
    for (Map.Entry<String, Object> entry : schema) {
      if ("properties".equals(entry.getKey()) && entry.getValue() instanceof JsonObject properties) {
        // Property names are the caller's own: a property called "strict" stays.
        JsonObject named = new JsonObject();
        properties.forEach(property -> named.put(property.getKey(), cleanValue(property.getValue())));
        out.put("properties", named);
      } else if (!SCHEMA_ONLY_KEYWORDS.contains(entry.getKey())) {
        out.put(entry.getKey(), cleanValue(entry.getValue()));
      }
    }
    return out;
  }

  private static Object cleanValue(Object value) {
    if (value instanceof JsonObject object) {
      return clean(object);
    }
    if (value instanceof JsonArray array) {
      JsonArray out = new JsonArray();
      array.forEach(item -> out.add(cleanValue(item)));
      return out;
    }
    return value;
  }
}
