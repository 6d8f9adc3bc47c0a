package dev.switchboard.relay;

import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonObject;

/** When a provider says to retry: its Retry-After / retry-after-ms headers, or Google's RetryInfo detail. */
final class RetryAfter {

  private RetryAfter() {
  }

  /** Seconds to wait, from {@code Retry-After} or {@code retry-after-ms}, or null. */
  static String seconds(MultiMap headers) {
    String seconds = headers.get("retry-after");
    if (seconds != null && !seconds.isBlank()) {
      return seconds.trim();
    }
    String millis = headers.get("retry-after-ms");
    if (millis != null) {
      try {
        return String.valueOf((long) Math.ceil(Double.parseDouble(millis.trim()) / 1000.0));
      } catch (NumberFormatException ignored) {
        return null;
      }
    }
    return null;
  }

  /** {@code retry-after-ms}, else {@code Retry-After} in seconds, as milliseconds; -1 when neither is a number. */
  static long millis(MultiMap headers) {
    String millis = headers.get("retry-after-ms");
    try {
      if (millis != null && !millis.isBlank()) {
        return Math.round(Double.parseDouble(millis.trim()));
      }
      String seconds = headers.get("retry-after");
      return seconds == null || seconds.isBlank() ? -1 : Math.round(Double.parseDouble(seconds.trim()) * 1000);
    } catch (NumberFormatException dateOrGarbage) {
      return -1;
    }
  }

  /** Google's APIs (Gemini) say when to retry in the body, as a RetryInfo detail ({@code "retryDelay": "37s"}); -1 when absent. */
  static long googleDelayMillis(JsonObject upstreamError) {
    if (upstreamError == null || !(upstreamError.getValue("details") instanceof io.vertx.core.json.JsonArray details)) {
      return -1;
    }
    for (Object detail : details) {
      if (detail instanceof JsonObject info && info.getValue("retryDelay") instanceof String delay && delay.endsWith("s")) {
        try {
          return Math.round(Double.parseDouble(delay.substring(0, delay.length() - 1)) * 1000);
        } catch (NumberFormatException notADuration) {
          return -1;
        }
      }
    }
    return -1;
  }
}
