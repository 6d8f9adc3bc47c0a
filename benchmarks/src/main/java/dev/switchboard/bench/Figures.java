package dev.switchboard.bench;

import io.vertx.core.json.JsonObject;
import org.HdrHistogram.Histogram;

/** Histograms record nanoseconds; the report speaks microseconds, rounded for JSON. */
final class Figures {

  private Figures() {
  }

  static double us(long nanos) {
    return nanos / 1000.0;
  }

  static double round(double value, int decimals) {
    double scale = Math.pow(10, decimals);
    return Math.round(value * scale) / scale;
  }

  /** What the gateway adds at a percentile: gateway minus direct, in µs (noise can make it negative). */
  static double added(Histogram direct, Histogram gateway, double percentile) {
    return round(us(gateway.getValueAtPercentile(percentile)) - us(direct.getValueAtPercentile(percentile)), 1);
  }

  static JsonObject percentiles(Histogram h) {
    return new JsonObject().put("count", h.getTotalCount())
        .put("mean", round(h.getMean() / 1000, 1))
        .put("p50", round(us(h.getValueAtPercentile(50)), 1))
        .put("p90", round(us(h.getValueAtPercentile(90)), 1))
        .put("p99", round(us(h.getValueAtPercentile(99)), 1))
        .put("p99_9", round(us(h.getValueAtPercentile(99.9)), 1))
        .put("max", round(us(h.getMaxValue()), 1));
  }
}
