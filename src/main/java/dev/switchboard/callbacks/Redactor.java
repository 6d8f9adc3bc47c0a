package dev.switchboard.callbacks;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.regex.Pattern;

/**
 * Removes secrets from an event before it leaves the gateway, whatever the message-logging
 * setting: the values of fields named like credentials, and key-shaped text anywhere (provider and
 * virtual keys, bearer tokens). Virtual keys appear only as their hash ({@code user_api_key_hash}).
 */
final class Redactor {

  static final String MASK = "[REDACTED]";
  private static final Pattern SECRET_NAME = Pattern.compile(
      "(?i)(^|[_-])(api[_-]?key|secret|password|passwd|authorization|auth[_-]?token|access[_-]?token"
          + "|refresh[_-]?token|id[_-]?token|credentials?|private[_-]?key|token)$");
  private static final Pattern SECRET_TEXT = Pattern.compile(
      "(?i)(sk-[a-z0-9_\\-]{8,}|bearer\\s+[a-z0-9._\\-]{8,}|AKIA[0-9A-Z]{16}|AIza[0-9A-Za-z_\\-]{20,}"
          + "|gh[pousr]_[A-Za-z0-9]{20,}|xox[abposr]-[A-Za-z0-9\\-]{10,})");

  private Redactor() {
  }

  /** The same object, its secrets masked in place. */
  static JsonObject redact(JsonObject object) {
    for (String name : new java.util.ArrayList<>(object.fieldNames())) {
      Object value = object.getValue(name);
      if (value != null && SECRET_NAME.matcher(name).find() && !name.startsWith("user_api_key_")) {
        object.put(name, MASK);
      } else if (value != null) {
        object.put(name, redactValue(value));
      }
    }
    return object;
  }

  private static Object redactValue(Object value) {
    if (value instanceof JsonObject object) {
      return redact(object);
    }
    if (value instanceof JsonArray array) {
      for (int i = 0; i < array.size(); i++) {
        array.set(i, redactValue(array.getValue(i)));
      }
      return array;
    }
    if (value instanceof String text) {
      return maskText(text);
    }
    return value;
  }

  static String maskText(String text) {
    return SECRET_TEXT.matcher(text).find() ? SECRET_TEXT.matcher(text).replaceAll(MASK) : text;
  }
}
