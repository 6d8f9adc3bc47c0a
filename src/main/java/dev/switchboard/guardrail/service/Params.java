package dev.switchboard.guardrail.service;

import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A service guardrail's {@code litellm_params}, read with LiteLLM's fallbacks to environment
 * variables. Wrong settings throw {@link IllegalArgumentException} naming the key: the start fails.
 */
record Params(Map<String, Object> values, Function<String, String> env) {

  /** How long a service call may take, unless {@code timeout} (seconds) says otherwise. */
  static final double DEFAULT_TIMEOUT_SECONDS = 10;

  static Params of(Map<String, Object> values) {
    return new Params(values == null ? Map.of() : values, System::getenv);
  }

  /** The setting, else the environment variable (null when neither is set). */
  String string(String key, String envName) {
    Object value = values.get(key);
    if (value != null) {
      return String.valueOf(value);
    }
    String fromEnv = envName == null ? null : env.apply(envName);
    return fromEnv == null || fromEnv.isBlank() ? null : fromEnv;
  }

  String string(String key) {
    return string(key, null);
  }

  String require(String key, String envName) {
    String value = string(key, envName);
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(key + " is required" + (envName == null ? "" : " (or " + envName + ")"));
    }
    return value;
  }

  boolean bool(String key, boolean fallback) {
    Object value = values.get(key);
    if (value == null) {
      return fallback;
    }
    if (value instanceof Boolean b) {
      return b;
    }
    String text = String.valueOf(value).trim();
    if (text.equalsIgnoreCase("true") || text.equalsIgnoreCase("false")) {
      return Boolean.parseBoolean(text);
    }
    throw new IllegalArgumentException(key + " must be true or false, got '" + value + "'");
  }

  /** A mapping setting as JSON (empty when unset). */
  JsonObject map(String key) {
    Object value = values.get(key);
    if (value == null) {
      return new JsonObject();
    }
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> copy = new LinkedHashMap<>();
      map.forEach((k, v) -> copy.put(String.valueOf(k), v));
      return new JsonObject(copy);
    }
    throw new IllegalArgumentException(key + " must be a mapping");
  }

  /** One of {@code allowed} (compared in lower case), or {@code fallback} when unset. */
  String choice(String key, List<String> allowed, String fallback) {
    String value = string(key);
    if (value == null) {
      return fallback;
    }
    String lower = value.trim().toLowerCase(java.util.Locale.ROOT);
    if (!allowed.contains(lower)) {
      throw new IllegalArgumentException(key + " must be one of " + allowed + ", got '" + value + "'");
    }
    return lower;
  }

  /** {@code timeout} in seconds (a number above zero), as milliseconds. */
  long timeoutMillis() {
    Object value = values.get("timeout");
    double seconds;
    try {
      seconds = value == null ? DEFAULT_TIMEOUT_SECONDS : Double.parseDouble(String.valueOf(value));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("timeout must be a number of seconds, got '" + value + "'");
    }
    if (!(seconds > 0)) {
      throw new IllegalArgumentException("timeout must be above 0 seconds, got '" + value + "'");
    }
    return Math.max(1, Math.round(seconds * 1000));
  }

  /** An address without its trailing slashes; {@code http://} added when it has no scheme, as LiteLLM does. */
  static String base(String url) {
    String out = url.trim();
    if (!out.startsWith("http://") && !out.startsWith("https://")) {
      out = "http://" + out;
    }
    while (out.endsWith("/")) {
      out = out.substring(0, out.length() - 1);
    }
    return out;
  }
}
