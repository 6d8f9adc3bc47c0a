package dev.switchboard.provider;

import dev.switchboard.model.StreamTranslator;
import dev.switchboard.model.Deployment;
import dev.switchboard.errors.ErrorClass;
import dev.switchboard.errors.GatewayError;
import dev.switchboard.model.Usage;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * An OpenAI-format stream told as Anthropic's events, for {@code /v1/messages} clients of OpenAI
 * providers: text deltas in a text block, each tool call in a tool_use block whose argument
 * fragments pass straight through as input_json_delta (nothing accumulated), and the closing
 * message_delta / message_stop once the provider says [DONE].
 */
final class OpenAiToAnthropicStream implements StreamTranslator {

  private final Deployment deployment;
  private final Map<Integer, Integer> blockByToolIndex = new HashMap<>();
  private boolean started;
  private boolean finished;
  private int openBlock = -1;
  private boolean openBlockIsText;
  private int nextBlock;
  private String stopReason;
  private Usage usage = Usage.NONE;
  private long streamedChars;

  OpenAiToAnthropicStream(Deployment deployment) {
    this.deployment = deployment;
  }

  @Override
  public void onEvent(String data, Consumer<String> emit) {
    if (finished) {
      return;
    }
    if ("[DONE]".equals(data)) {
      finish(emit);
      return;
    }
    JsonObject chunk = Json.objectOrNull(data);
    if (chunk == null) {
      throw GatewayError.of(ErrorClass.API_CONNECTION, "upstream_invalid_response", "The provider sent a stream chunk that is not a JSON object for " + deployment.describe() + ".");
    }
    if (!started) {
      started = true;
      emit.accept(event("message_start").put("message", new JsonObject()
          .put("id", chunk.getString("id", "msg_switchboard")).put("type", "message").put("role", "assistant")
          .put("model", deployment.modelGroup()).put("content", new JsonArray())
          .putNull("stop_reason").putNull("stop_sequence")
          .put("usage", new JsonObject().put("input_tokens", 0).put("output_tokens", 0))).encode());
    }
    if (chunk.getValue("usage") instanceof JsonObject reported) {
      usage = Usage.fromOpenAi(reported);
    }
    JsonArray choices = chunk.getJsonArray("choices", new JsonArray());
    if (choices.isEmpty()) {
      return;
    }
    JsonObject choice = choices.getJsonObject(0);
    JsonObject delta = choice.getJsonObject("delta", new JsonObject());
    if (delta.getValue("content") instanceof String text && !text.isEmpty()) {
      if (openBlock < 0 || !openBlockIsText) {
        open(emit, new JsonObject().put("type", "text").put("text", ""), true);
      }
      streamedChars += text.length();
      emit.accept(event("content_block_delta").put("index", openBlock)
          .put("delta", new JsonObject().put("type", "text_delta").put("text", text)).encode());
    }
    if (delta.getValue("tool_calls") instanceof JsonArray calls) {
      for (Object item : calls) {
        toolCallDelta((JsonObject) item, emit);
      }
    }
    if (choice.getValue("finish_reason") instanceof String reason) {
      stopReason = MessagesBridge.stopReason(reason);
    }
  }

  private void toolCallDelta(JsonObject call, Consumer<String> emit) {
    int toolIndex = call.getInteger("index", 0);
    JsonObject function = call.getJsonObject("function", new JsonObject());
    Integer block = blockByToolIndex.get(toolIndex);
    if (block == null) {
      open(emit, new JsonObject().put("type", "tool_use").put("id", call.getString("id"))
          .put("name", function.getString("name")).put("input", new JsonObject()), false);
      block = openBlock;
      blockByToolIndex.put(toolIndex, block);
    }
    String fragment = function.getString("arguments", "");
    if (!fragment.isEmpty()) {
      streamedChars += fragment.length();
      emit.accept(event("content_block_delta").put("index", block)
          .put("delta", new JsonObject().put("type", "input_json_delta").put("partial_json", fragment)).encode());
    }
  }

  private void open(Consumer<String> emit, JsonObject contentBlock, boolean text) {
    closeOpenBlock(emit);
    openBlock = nextBlock++;
    openBlockIsText = text;
    emit.accept(event("content_block_start").put("index", openBlock).put("content_block", contentBlock).encode());
  }

  private void closeOpenBlock(Consumer<String> emit) {
    if (openBlock >= 0) {
      emit.accept(event("content_block_stop").put("index", openBlock).encode());
      openBlock = -1;
    }
  }

  private void finish(Consumer<String> emit) {
    finished = true;
    closeOpenBlock(emit);
    emit.accept(event("message_delta")
        .put("delta", new JsonObject().put("stop_reason", stopReason == null ? "end_turn" : stopReason).putNull("stop_sequence"))
        .put("usage", MessagesBridge.anthropicUsage(usage)).encode());
    emit.accept(event("message_stop").encode());
  }

  /** Anthropic events carry their type first; the relay reads it to write the event line. */
  private static JsonObject event(String type) {
    return new JsonObject().put("type", type);
  }

  @Override
  public Usage usage() {
    return usage;
  }

  @Override
  public long streamedChars() {
    return streamedChars;
  }
}
