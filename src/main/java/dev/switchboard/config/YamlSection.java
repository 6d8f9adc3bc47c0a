package dev.switchboard.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Typed, path-aware reads from one YAML mapping. Every read remembers its key, so whatever was
 * never read is reported as ignored; every type error names the full path of the bad value and is
 * recorded in the config's {@link Problems}, the value then read as absent, so one run finds them all.
 */
final class YamlSection {

  private static final String ENV_PREFIX = "os.environ/";

  private final String path;
  private final Map<String, Object> values;
  private final Function<String, String> env;
  private final Problems problems;
  private final Set<String> read = new LinkedHashSet<>();

  YamlSection(String path, Map<String, Object> values, Function<String, String> env, Problems problems) {
    this.path = path;
    this.values = values;
    this.env = env;
    this.problems = problems;
  }

  static YamlSection of(String path, Object raw, Function<String, String> env, Problems problems) {
    if (raw == null) {
      return new YamlSection(path, Map.of(), env, problems);
    }
    if (!(raw instanceof Map<?, ?> map)) {
      problems.add(path, path + " must be a mapping of keys to values");
      return new YamlSection(path, Map.of(), env, problems);
    }
    Map<String, Object> copy = new LinkedHashMap<>();
    map.forEach((k, v) -> copy.put(String.valueOf(k), v));
    return new YamlSection(path, copy, env, problems);
  }

  /** An empty section with the same path, for reading defaults after a problem. */
  YamlSection empty() {
    return new YamlSection(path, Map.of(), env, problems);
  }

  /** Records a problem of {@code key}'s value; the caller reads it as {@code absent}. */
  private <T> T problem(String key, String message, T absent) {
    problems.add(path(key), message);
    return absent;
  }

  String path(String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  Object raw(String key) {
    read.add(key);
    return values.get(key);
  }

  /** The keys present, in file order. */
  List<String> rawKeys() {
    return List.copyOf(values.keySet());
  }

  boolean has(String key) {
    return values.get(key) != null;
  }

  /** Keys present that no read asked for so far, with their values as given; reading them does not mark them read. */
  Map<String, Object> unreadValues() {
    Map<String, Object> out = new LinkedHashMap<>();
    values.forEach((key, value) -> {
      if (!read.contains(key) && value != null) {
        out.put(key, value);
      }
    });
    return out;
  }

  /** Keys present in the file that no read asked for, with their full paths. */
  List<String> unread() {
    List<String> out = new ArrayList<>();
    for (String key : values.keySet()) {
      if (!read.contains(key)) {
        out.add(path(key));
      }
    }
    return out;
  }

  /** {@link #envString}, or else the environment variable {@code variable} when it is set (LiteLLM's fallbacks). */
  EnvValue envStringOr(String key, String variable) {
    EnvValue value = envString(key);
    if (value.isSet() || value.isMissingVariable()) {
      return value;
    }
    String fallback = env.apply(variable);
    return fallback == null || fallback.isEmpty() ? EnvValue.ABSENT : EnvValue.of(fallback);
  }

  EnvValue envString(String key) {
    Object value = raw(key);
    if (value == null) {
      return EnvValue.ABSENT;
    }
    if (value instanceof Map || value instanceof List) {
      return problem(key, path(key) + " must be a string", EnvValue.ABSENT);
    }
    String text = String.valueOf(value);
    if (text.startsWith(ENV_PREFIX)) {
      String variable = text.substring(ENV_PREFIX.length()).trim();
      String resolved = env.apply(variable);
      return resolved == null || resolved.isEmpty() ? EnvValue.unset(variable) : EnvValue.of(resolved);
    }
    return EnvValue.of(text);
  }

  /** A string that must be known at start-up: an unset {@code os.environ/} is an error here. */
  String string(String key) {
    EnvValue value = envString(key);
    if (value.isMissingVariable()) {
      return problem(key, path(key) + " refers to os.environ/" + value.unsetVariable()
          + ", which is not set; export " + value.unsetVariable() + " or add it to environment_variables", null);
    }
    return value.value();
  }

  String requiredString(String key) {
    String value = string(key);
    if (value == null || value.isBlank()) {
      return problem(key, path(key) + " is required", null);
    }
    return value;
  }

  Double number(String key) {
    String text = string(key);
    if (text == null) {
      return null;
    }
    try {
      return Double.parseDouble(text.trim());
    } catch (NumberFormatException e) {
      return problem(key, path(key) + " must be a number, got '" + text + "'", null);
    }
  }

  Integer integer(String key) {
    Double value = number(key);
    if (value == null) {
      return null;
    }
    if (value != Math.rint(value) || Math.abs(value) > Integer.MAX_VALUE) {
      return problem(key, path(key) + " must be a whole number, got " + values.get(key), null);
    }
    return value.intValue();
  }

  /** A whole number of at least 1, or null. */
  Integer positive(String key) {
    Integer value = integer(key);
    if (value != null && value < 1) {
      return problem(key, path(key) + " must be at least 1, got " + value, null);
    }
    return value;
  }

  /** Records a problem found by a reader's own check of {@code key}'s value. */
  void problem(String key, String message) {
    problems.add(path(key), message);
  }

  Boolean bool(String key, Boolean fallback) {
    String text = string(key);
    if (text == null) {
      return fallback;
    }
    return switch (text.trim().toLowerCase()) {
      case "true", "yes", "on" -> true;
      case "false", "no", "off" -> false;
      default -> problem(key, path(key) + " must be true or false, got '" + text + "'", fallback);
    };
  }

  List<String> stringList(String key) {
    Object value = raw(key);
    if (value == null) {
      return List.of();
    }
    if (!(value instanceof List<?> list)) {
      if (value instanceof Map) {
        return problem(key, path(key) + " must be a list of strings", List.of());
      }
      return List.of(String.valueOf(value));
    }
    List<String> out = new ArrayList<>(list.size());
    for (Object item : list) {
      if (item instanceof Map || item instanceof List) {
        return problem(key, path(key) + " must be a list of strings", List.of());
      }
      out.add(String.valueOf(item));
    }
    return List.copyOf(out);
  }

  List<Object> list(String key) {
    Object value = raw(key);
    if (value == null) {
      return List.of();
    }
    if (!(value instanceof List<?> list)) {
      return problem(key, path(key) + " must be a list", List.of());
    }
    return new ArrayList<>(list);
  }

  YamlSection section(String key) {
    return of(path(key), raw(key), env, problems);
  }

  /** A mapping found inside this one (a list item, say), reading the same environment. */
  YamlSection child(String childPath, Object raw) {
    return of(childPath, raw, env, problems);
  }

  /** Every key of this mapping as a resolved string. */
  Map<String, String> strings() {
    Map<String, String> out = new LinkedHashMap<>();
    for (String key : values.keySet()) {
      String value = string(key);
      if (value != null) {
        out.put(key, value);
      }
    }
    return out;
  }
}
