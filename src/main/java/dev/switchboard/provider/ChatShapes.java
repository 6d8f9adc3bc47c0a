package dev.switchboard.provider;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * OpenAI's chat completion and chunk objects as every translated answer carries them. OpenAI's
 * spec marks {@code choices[].logprobs} and {@code message.refusal} (and {@code content}) required,
 * null when there is nothing to say, and with {@code stream_options.include_usage} every chunk has
 * {@code usage}: null until the last. Strictly typed SDKs reject an answer without them, so no
 * translation builds these objects by hand.
 */
final class ChatShapes {

  private ChatShapes() {
  }

  /** A {@code chat.completion} with one choice; {@code message} gets its null content and refusal where absent. */
  static JsonObject completion(String id, long created, String model, JsonObject message, String finishReason,
      JsonObject usage) {
    if (!message.containsKey("content")) {
      message.putNull("content");
    }
    if (!message.containsKey("refusal")) {
      message.putNull("refusal");
    }
    return new JsonObject()
        .put("id", id)
        .put("object", "chat.completion")
        .put("created", created)
        .put("model", model)
        .put("choices", new JsonArray().add(new JsonObject().put("index", 0).put("message", message)
            .putNull("logprobs").put("finish_reason", finishReason)))
        .put("usage", usage);
  }

  /**
   * One {@code chat.completion.chunk} with one choice, encoded.
   *
   * @param withUsage the client asked for usage ({@code stream_options.include_usage}): the chunk says
   *                  {@code "usage": null}, as OpenAI's do before the last
   */
  static String chunk(String id, long created, String model, JsonObject delta, String finishReason, boolean withUsage) {
    JsonObject chunk = new JsonObject()
        .put("id", id)
        .put("object", "chat.completion.chunk")
        .put("created", created)
        .put("model", model)
        .put("choices", new JsonArray().add(new JsonObject().put("index", 0).put("delta", delta)
            .putNull("logprobs").put("finish_reason", finishReason)));
    if (withUsage) {
      chunk.putNull("usage");
    }
    return chunk.encode();
  }

  /** The last chunk of a stream whose client asked for usage: no choices, the usage. */
  static String usageChunk(String id, long created, String model, JsonObject usage) {
    return new JsonObject().put("id", id).put("object", "chat.completion.chunk").put("created", created)
        .put("model", model).put("choices", new JsonArray()).put("usage", usage).encode();
  }
}
