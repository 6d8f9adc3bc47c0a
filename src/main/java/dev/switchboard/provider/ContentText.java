package dev.switchboard.provider;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * The text of a message content value in either format: a string, or the {@code text} of the
 * {@code type: text} parts (OpenAI) or blocks (Anthropic) of a list; other parts contribute nothing.
 */
final class ContentText {

  private ContentText() {
  }

  static String of(Object content) {
    if (content instanceof String text) {
      return text;
    }
    StringBuilder out = new StringBuilder();
    if (content instanceof JsonArray parts) {
      for (Object part : parts) {
        if (part instanceof JsonObject object && "text".equals(object.getString("type"))) {
          out.append(object.getString("text", ""));
        }
      }
    }
    return out.toString();
  }
}
