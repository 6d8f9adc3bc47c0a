package dev.switchboard.config;

import java.util.function.Function;

/**
 * Where a config came from: its name (the file), its text as read, and the process environment
 * its {@code os.environ/} references saw; kept so {@code GET /health/doctor} can check the config
 * the gateway is running on.
 */
public record ConfigSource(String name, String text, Function<String, String> processEnv) {

  @Override
  public String toString() {
    return "ConfigSource[" + name + "]";
  }
}
