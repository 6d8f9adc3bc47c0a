package dev.switchboard.provider;

import dev.switchboard.model.Usage;
import io.vertx.core.json.JsonObject;

/** Anthropic reports input counts on message_start and the output count on message_delta: keep the latest of each. */
final class AnthropicUsageTally {

  private final JsonObject latest = new JsonObject();

  void merge(JsonObject usage) {
    if (usage != null) {
      usage.forEach(field -> {
        if (field.getValue() instanceof Number) {
          latest.put(field.getKey(), field.getValue());
        }
      });
    }
  }

  Usage usage() {
    return AnthropicAdapter.usage(latest);
  }
}
