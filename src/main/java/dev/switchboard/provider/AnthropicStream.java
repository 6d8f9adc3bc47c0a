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
 * Anthropic's stream events as OpenAI chunks: text deltas become content deltas, each tool_use
 * block becomes a tool call with its own OpenAI {@code index} whose argument fragments
 * ({@code input_json_delta}) follow as they arrive. Nothing is accumulated, so a tool call's
 * arguments cost no memory however long they grow.
 */
final class AnthropicStream implements StreamTranslator {

  private static final int MAX_ERROR_MESSAGE = 500;

  private final Deployment deployment;
  private final boolean clientWantsUsage;
  private final long created = System.currentTimeMillis() / 1000;
  private final Map<Integer, Integer> toolIndexByBlock = new HashMap<>();
  private String id = "chatcmpl-anthropic";
  private String model;
  private final AnthropicUsageTally tally = new AnthropicUsageTally();

  AnthropicStream(Deployment deployment, boolean clientWantsUsage) {
    this.deployment = deployment;
    this.clientWantsUsage = clientWantsUsage;
    this.model = deployment.upstreamModel();
  }

  @Override
  public void onEvent(String data, Consumer<String> emit) {
    JsonObject event = Json.objectOrNull(data);
    if (event == null) {
      throw GatewayError.of(ErrorClass.API_CONNECTION, "upstream_invalid_response", "The provider sent a stream event that is not JSON for " + deployment.describe() + ".");
    }
    switch (String.valueOf(event.getString("type"))) {
      case "message_start" -> {
        JsonObject message = event.getJsonObject("message", new JsonObject());
        id = message.getString("id", id);
        model = message.getString("model", model);
        tally.merge(message.getJsonObject("usage"));
        emit.accept(chunk(new JsonObject().put("role", "assistant").put("content", ""), null));
      }
      case "content_block_start" -> blockStart(event, emit);
      case "content_block_delta" -> blockDelta(event, emit);
      case "message_delta" -> {
        tally.merge(event.getJsonObject("usage"));
        String stopReason = event.getJsonObject("delta", new JsonObject()).getString("stop_reason");
        emit.accept(chunk(new JsonObject(), AnthropicAdapter.finishReason(stopReason)));
      }
      case "message_stop" -> {
        if (clientWantsUsage) {
          emit.accept(ChatShapes.usageChunk(id, created, model, AnthropicAdapter.openAiUsage(usage())));
        }
        emit.accept("[DONE]");
      }
      case "error" -> throw streamError(event.getJsonObject("error", new JsonObject()));
      default -> { } // ping, content_block_stop: nothing for the client
    }
  }

  private void blockStart(JsonObject event, Consumer<String> emit) {
    JsonObject block = event.getJsonObject("content_block", new JsonObject());
    if ("tool_use".equals(block.getString("type"))) {
      int toolIndex = toolIndexByBlock.size();
      toolIndexByBlock.put(event.getInteger("index", 0), toolIndex);
      JsonObject call = new JsonObject().put("index", toolIndex).put("id", block.getString("id")).put("type", "function")
          .put("function", new JsonObject().put("name", block.getString("name")).put("arguments", ""));
      emit.accept(chunk(new JsonObject().put("tool_calls", new JsonArray().add(call)), null));
    } else if ("text".equals(block.getString("type")) && !block.getString("text", "").isEmpty()) {
      emit.accept(chunk(new JsonObject().put("content", block.getString("text")), null));
    }
  }

  private void blockDelta(JsonObject event, Consumer<String> emit) {
    JsonObject delta = event.getJsonObject("delta", new JsonObject());
    switch (String.valueOf(delta.getString("type"))) {
      case "text_delta" -> emit.accept(chunk(new JsonObject().put("content", delta.getString("text", "")), null));
      case "thinking_delta" ->
          emit.accept(chunk(new JsonObject().put("reasoning_content", delta.getString("thinking", "")), null));
      case "input_json_delta" -> {
        Integer toolIndex = toolIndexByBlock.get(event.getInteger("index", 0));
        if (toolIndex != null) {
          JsonObject call = new JsonObject().put("index", toolIndex)
              .put("function", new JsonObject().put("arguments", delta.getString("partial_json", "")));
          emit.accept(chunk(new JsonObject().put("tool_calls", new JsonArray().add(call)), null));
        }
      }
      default -> { }
    }
  }

  private String chunk(JsonObject delta, String finishReason) {
    return ChatShapes.chunk(id, created, model, delta, finishReason, clientWantsUsage);
  }


  /** Anthropic always reports usage on message_start and message_delta: no estimate needed. */
  @Override
  public long streamedChars() {
    return 0;
  }

  @Override
  public Usage usage() {
    return tally.usage();
  }

  private GatewayError streamError(JsonObject error) {
    String message = String.valueOf(error.getString("message", "no details given"));
    if (message.length() > MAX_ERROR_MESSAGE) {
      message = message.substring(0, MAX_ERROR_MESSAGE) + "...";
    }
    boolean overloaded = "overloaded_error".equals(error.getString("type"));
    return GatewayError.of(overloaded ? ErrorClass.SERVICE_UNAVAILABLE : ErrorClass.API_CONNECTION,
        String.valueOf(error.getString("type", "upstream_error")),
        "The provider failed mid-stream for " + deployment.describe() + ": " + message);
  }
}
