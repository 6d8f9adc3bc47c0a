package dev.switchboard.store;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;

/**
 * The one rule for text Postgres cannot store: a NUL character (U+0000) and an unpaired
 * UTF-16 surrogate have no UTF-8 form that Postgres accepts in {@code text} or {@code jsonb}.
 * Rows the gateway writes on its own (spend) replace each such character with U+FFFD, so a client
 * can never make a row unwritable; admin input carrying one is refused, naming the field.
 */
public final class SafeText {

  /** What replaces a character Postgres refuses. */
  public static final char REPLACEMENT = '\uFFFD';

  private SafeText() {
  }

  /** The text with each NUL and unpaired surrogate replaced by U+FFFD; the same object when it has none. */
  public static String of(String text) {
    if (text == null || storable(text)) {
      return text;
    }
    StringBuilder out = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
        out.append(c).append(text.charAt(++i));
      } else {
        out.append(c == 0 || Character.isSurrogate(c) ? REPLACEMENT : c);
      }
    }
    return out.toString();
  }

  /** Whether Postgres can store the text as it is. */
  public static boolean storable(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == 0) {
        return false;
      }
      if (Character.isSurrogate(c)) {
        if (!Character.isHighSurrogate(c) || i + 1 >= text.length() || !Character.isLowSurrogate(text.charAt(i + 1))) {
          return false;
        }
        i++;
      }
    }
    return true;
  }

  /** Whether every string in a parsed JSON value (object keys included) is storable. */
  public static boolean storable(Object json) {
    if (json instanceof String text) {
      return storable(text);
    }
    if (json instanceof JsonObject object) {
      for (Map.Entry<String, Object> entry : object) {
        if (!storable(entry.getKey()) || !storable(entry.getValue())) {
          return false;
        }
      }
    } else if (json instanceof JsonArray array) {
      for (Object item : array) {
        if (!storable(item)) {
          return false;
        }
      }
    }
    return true;
  }
}
