package dev.switchboard.provider;

import dev.switchboard.model.StreamTranslator;
import dev.switchboard.model.Usage;
import io.vertx.core.json.JsonObject;
import java.util.function.Consumer;

/**
 * An Anthropic stream for an Anthropic client: every event passes as it came; only message_start
 * and message_delta (two per stream) are parsed, for the usage they carry.
 */
final class AnthropicPassthroughStream implements StreamTranslator {

  private final AnthropicUsageTally tally = new AnthropicUsageTally();

  @Override
  public void onEvent(String data, Consumer<String> emit) {
    if (data.contains("\"message_start\"") || data.contains("\"message_delta\"")) {
      JsonObject event = Json.objectOrNull(data);
      if (event != null) {
        tally.merge(event.getValue("message") instanceof JsonObject message
            ? message.getJsonObject("usage") : event.getJsonObject("usage"));
      }
    }
    emit.accept(data);
  }

  @Override
  public Usage usage() {
    return tally.usage();
  }

  /** Anthropic always reports usage: no estimate needed. */
  @Override
  public long streamedChars() {
    return 0;
  }
}
