package dev.switchboard.provider;

import dev.switchboard.spend.Usage;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.function.Consumer;

/**
 * An OpenAI-format stream passes through as it came. Only a chunk that carries a usage object is
 * parsed (OpenAI puts {@code "usage":null} on every chunk once include_usage is set, and parsing
 * those would triple the per-chunk cost); the usage-only chunk is held back when only the gateway
 * asked for it.
 */
public final class OpenAiStream implements StreamTranslator {

  private static final String USAGE_FIELD = "\"usage\"";

  private final boolean dropUsageChunks;
  private Usage usage = Usage.NONE;

  public OpenAiStream(boolean dropUsageChunks) {
    this.dropUsageChunks = dropUsageChunks;
  }

  @Override
  public void onEvent(String data, Consumer<String> emit) {
    if (carriesUsageObject(data)) {
      JsonObject chunk = Json.objectOrNull(data);
      if (chunk != null && chunk.getValue("usage") instanceof JsonObject reported) {
        usage = Usage.fromOpenAi(reported);
        if (dropUsageChunks && chunk.getValue("choices") instanceof JsonArray choices && choices.isEmpty()) {
          return;
        }
      }
    }
    emit.accept(data);
  }

  @Override
  public Usage usage() {
    return usage;
  }

  static boolean carriesUsageObject(String data) {
    int at = data.indexOf(USAGE_FIELD);
    while (at >= 0) {
      int i = skipSpace(data, at + USAGE_FIELD.length());
      if (i < data.length() && data.charAt(i) == ':') {
        i = skipSpace(data, i + 1);
        if (i < data.length() && data.charAt(i) == '{') {
          return true;
        }
      }
      at = data.indexOf(USAGE_FIELD, at + 1);
    }
    return false;
  }

  private static int skipSpace(String text, int from) {
    int i = from;
    while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
      i++;
    }
    return i;
  }
}
