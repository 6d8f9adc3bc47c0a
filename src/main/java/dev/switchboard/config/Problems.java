package dev.switchboard.config;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The problems found while reading one config. A bad value is recorded and read as absent, so the
 * rest of the file is still read and every problem is reported in one run, not one per start.
 */
final class Problems {

  private final List<ConfigProblem> found = new ArrayList<>();

  void add(String path, String message) {
    found.add(new ConfigProblem(path, message));
  }

  /** {@code read}'s value; when it throws, its problems are recorded and {@code fallback}'s value is used. */
  <T> T attempt(String path, Supplier<T> read, Supplier<T> fallback) {
    try {
      return read.get();
    } catch (StartupException e) {
      e.problems().forEach(p -> add(p.path().isEmpty() ? path : p.path(), p.message()));
      return fallback.get();
    }
  }

  boolean isEmpty() {
    return found.isEmpty();
  }

  List<ConfigProblem> list() {
    return List.copyOf(found);
  }
}
