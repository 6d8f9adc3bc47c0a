package dev.switchboard.config;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A duration as LiteLLM's settings write one ({@code 30s}, {@code 15m}, {@code 12h}, {@code 30d}, {@code 1w}), or plain seconds. */
final class DurationText {

  private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(s|m|h|d|w)?");

  private DurationText() {
  }

  /** In seconds: -1 when {@code text} is null (not set), 0 when it is no duration or zero. */
  static long seconds(String text) {
    if (text == null) {
      return -1;
    }
    Matcher matcher = DURATION.matcher(text.trim());
    if (!matcher.matches()) {
      return 0;
    }
    long amount;
    try {
      amount = Long.parseLong(matcher.group(1));
    } catch (NumberFormatException tooLong) {
      return 0;
    }
    String unit = matcher.group(2) == null ? "s" : matcher.group(2);
    long scale = switch (unit) {
      case "m" -> 60;
      case "h" -> 3600;
      case "d" -> 86_400;
      case "w" -> 7 * 86_400;
      default -> 1;
    };
    return amount > Long.MAX_VALUE / scale ? 0 : amount * scale;
  }
}
