package dev.switchboard.provider;

import dev.switchboard.model.StreamTranslator;
import dev.switchboard.model.Deployment;
import dev.switchboard.errors.ErrorClass;
import dev.switchboard.errors.GatewayError;
import dev.switchboard.model.Usage;
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

  private final Deployment deployment;
  private final boolean dropUsageChunks;
  private Usage usage = Usage.NONE;
  private long streamedChars;

  public OpenAiStream(Deployment deployment, boolean dropUsageChunks) {
    this.deployment = deployment;
    this.dropUsageChunks = dropUsageChunks;
  }

  @Override
  public void onEvent(String data, Consumer<String> emit) {
    if (!looksLikeJsonObject(data) && !"[DONE]".equals(data)) {
      // A cut or garbled chunk would break the client's parser; stop the stream with a clear error.
      throw GatewayError.of(ErrorClass.API_CONNECTION, "upstream_invalid_response", "The provider sent a stream chunk that is not a JSON object for " + deployment.describe()
              + "; the stream was stopped.");
    }
    if (carriesUsageObject(data)) {
      JsonObject chunk = Json.objectOrNull(data);
      if (chunk != null && chunk.getValue("usage") instanceof JsonObject reported) {
        usage = Usage.fromOpenAi(reported);
        if (dropUsageChunks && chunk.getValue("choices") instanceof JsonArray choices && choices.isEmpty()) {
          return;
        }
      }
    }
    streamedChars += JsonStrings.valueLength(data, "\"content\"") + JsonStrings.valueLength(data, "\"arguments\"")
        + JsonStrings.valueLength(data, "\"text\"");
    emit.accept(data);
  }

  @Override
  public Usage usage() {
    return usage;
  }

  @Override
  public long streamedChars() {
    return streamedChars;
  }

  /** A cheap shape check (braces at both ends) instead of parsing every chunk. */
  static boolean looksLikeJsonObject(String data) {
    int first = 0;
    int last = data.length() - 1;
    while (first <= last && Character.isWhitespace(data.charAt(first))) {
      first++;
    }
    while (last >= first && Character.isWhitespace(data.charAt(last))) {
      last--;
    }
    return first < last && data.charAt(first) == '{' && data.charAt(last) == '}';
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
