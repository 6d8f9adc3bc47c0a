package dev.switchboard.metrics;

import java.util.List;

/** Reads series out of a Prometheus text scrape. */
final class Scrape {

  private final String text;

  Scrape(String text) {
    this.text = text;
  }

  /** Lines of {@code metric} (exactly that name) whose labels include every {@code label="value"} given. */
  List<String> lines(String metric, String... labels) {
    return text.lines()
        .filter(line -> line.startsWith(metric + "{") || line.startsWith(metric + " "))
        .filter(line -> {
          for (String label : labels) {
            if (!line.contains(label)) {
              return false;
            }
          }
          return true;
        })
        .toList();
  }

  /** The sum of the values of those lines. */
  double value(String metric, String... labels) {
    return lines(metric, labels).stream()
        .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
        .sum();
  }

  String text() {
    return text;
  }
}
