package dev.switchboard.keys;

import dev.switchboard.config.BudgetPeriod;
import dev.switchboard.errors.GatewayError;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The settable fields of an admin request body (keys, users, teams), each declared with its kind,
 * validated and mapped to its column. Each bad value is a 400 that names the field.
 */
final class Fields {

  /** What a field holds, and so how it is checked and stored. */
  enum Kind { TEXT, STRINGS, NUMBER, WHOLE, OBJECT, LIST, FLAG, PERIOD }

  private Fields() {
  }

  /**
   * Refuses a field that is neither declared nor in {@code alsoTaken} (what the route reads itself)
   * with a 400 naming it: a LiteLLM field Switchboard does not enforce must not look accepted.
   */
  static void refuseUndeclared(JsonObject body, Map<String, Kind> declared, Set<String> alsoTaken) {
    for (String field : body.fieldNames()) {
      if (!declared.containsKey(field) && !alsoTaken.contains(field)) {
        List<String> supported = new ArrayList<>(declared.keySet());
        supported.addAll(new TreeSet<>(alsoTaken));
        throw GatewayError.badRequest(field, "'" + field + "' is not supported here, so it would not be enforced; "
            + "remove it. Supported: " + String.join(", ", supported) + ".");
      }
    }
  }

  /** Column → value, in declaration order, for the declared fields present in {@code body}. */
  static Map<String, Object> parse(JsonObject body, Map<String, Kind> declared) {
    Map<String, Object> columns = new LinkedHashMap<>();
    declared.forEach((field, kind) -> {
      if (body.containsKey(field)) {
        columns.put(field, value(field, kind, body.getValue(field)));
      }
    });
    return columns;
  }

  private static Object value(String field, Kind kind, Object value) {
    switch (kind) {
      case TEXT -> {
        if (value != null && !(value instanceof String)) {
          throw bad(field, "a string");
        }
        return value;
      }
      case STRINGS -> {
        if (!(value instanceof JsonArray list) || list.stream().anyMatch(item -> !(item instanceof String))) {
          throw bad(field, "a list of strings");
        }
        return list.getList().toArray(new String[0]);
      }
      case NUMBER -> {
        if (value != null && (!(value instanceof Number n) || n.doubleValue() < 0)) {
          throw bad(field, "a number of at least 0");
        }
        return value == null ? null : ((Number) value).doubleValue();
      }
      case WHOLE -> {
        if (value != null && (!(value instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())
            || n.longValue() < 0 || n.longValue() > Integer.MAX_VALUE)) {
          throw bad(field, "a whole number of at least 0");
        }
        return value == null ? null : ((Number) value).intValue();
      }
      case OBJECT -> {
        if (value != null && !(value instanceof JsonObject)) {
          throw bad(field, "an object");
        }
        return value == null ? new JsonObject() : value;
      }
      case LIST -> {
        if (!(value instanceof JsonArray)) {
          throw bad(field, "a list");
        }
        return value;
      }
      case PERIOD -> {
        // Checked by the parser that resets budgets, so a stored period is one that resets.
        if (value != null && (!(value instanceof String text) || BudgetPeriod.parse(text) == null)) {
          throw GatewayError.badRequest(field, "'" + field + "' must be a period such as 30s, 15m, 1h, 1d, 7d, 30d or "
              + "1mo, greater than 0" + (value instanceof String text ? "; got '" + text + "'." : "."));
        }
        return value;
      }
      case FLAG -> {
        if (!(value instanceof Boolean)) {
          throw bad(field, "true or false");
        }
        return value;
      }
      default -> throw new IllegalStateException(kind.name());
    }
  }

  private static GatewayError bad(String field, String shape) {
    return GatewayError.badRequest(field, "'" + field + "' must be " + shape + ".");
  }
}
