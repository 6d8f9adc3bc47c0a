package dev.switchboard.provider;

import dev.switchboard.errors.ErrorClass;
import dev.switchboard.errors.GatewayError;
import dev.switchboard.model.Deployment;
import dev.switchboard.model.StreamTranslator;
import dev.switchboard.model.Usage;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * Bedrock's ConverseStream events (each {@code {"<event type>":<payload>}}, from the event-stream
 * splitter) as OpenAI chunks: messageStart the role chunk, a toolUse contentBlockStart a tool call
 * with its id and name, contentBlockDelta text or a piece of the tool's arguments, messageStop the
 * finish chunk, metadata (after messageStop) the usage chunk when asked and [DONE]. An exception
 * frame ends the stream with its LiteLLM class. Nothing is accumulated but the block-to-tool map.
 */
final class BedrockStream implements StreamTranslator {

  private final Deployment deployment;
  private final boolean clientWantsUsage;
  private final String id = "chatcmpl-" + UUID.randomUUID();
  private final long created = System.currentTimeMillis() / 1000;
  /** contentBlockIndex of each toolUse block → its OpenAI tool call index. */
  private final Map<Integer, Integer> toolIndex = new HashMap<>();
  private boolean started;
  private boolean stopped;
  private boolean ended;
  private Usage usage = Usage.NONE;
  private long streamedChars;

  BedrockStream(Deployment deployment, boolean clientWantsUsage) {
    this.deployment = deployment;
    this.clientWantsUsage = clientWantsUsage;
  }

  @Override
  public void onEvent(String data, Consumer<String> emit) {
    JsonObject event = Json.objectOrNull(data);
    if (event == null || event.size() != 1) {
      throw GatewayError.of(ErrorClass.API_CONNECTION, "upstream_invalid_response", "The provider sent a stream event "
          + "that is not a ConverseStream event for " + deployment.describe() + "; the stream was stopped.");
    }
    String type = event.fieldNames().iterator().next();
    JsonObject payload = event.getValue(type) instanceof JsonObject p ? p : new JsonObject();
    switch (type) {
      case "exception" -> throw BedrockAnswers.streamException(deployment, payload.getString("type", "unknown"),
          payload.getValue("payload") instanceof JsonObject body ? body.getString("message", body.getString("Message")) : null);
      case "messageStart" -> start(emit);
      case "contentBlockStart" -> blockStart(payload, emit);
      case "contentBlockDelta" -> blockDelta(payload, emit);
      case "messageStop" -> {
        start(emit);
        stopped = true;
        emit.accept(chunk(new JsonObject(), BedrockAnswers.finishReason(payload.getString("stopReason"))));
      }
      case "metadata" -> {
        usage = BedrockAnswers.usage(payload.getJsonObject("usage"));
        if (clientWantsUsage) {
          emit.accept(ChatShapes.usageChunk(id, created, deployment.upstreamModel(), BedrockAnswers.openAiUsage(usage)));
        }
        ended = true;
        emit.accept("[DONE]");
      }
      default -> {
        // contentBlockStop and events added later carry nothing to translate.
      }
    }
  }

  private void start(Consumer<String> emit) {
    if (!started) {
      started = true;
      emit.accept(chunk(new JsonObject().put("role", "assistant").put("content", ""), null));
    }
  }

  private void blockStart(JsonObject payload, Consumer<String> emit) {
    start(emit);
    if (payload.getValue("start") instanceof JsonObject start && start.getValue("toolUse") instanceof JsonObject toolUse) {
      int index = toolIndex.size();
      toolIndex.put(payload.getInteger("contentBlockIndex", index), index);
      JsonObject call = new JsonObject().put("index", index).put("id", toolUse.getString("toolUseId")).put("type", "function")
          .put("function", new JsonObject().put("name", toolUse.getString("name")).put("arguments", ""));
      emit.accept(chunk(new JsonObject().put("tool_calls", new JsonArray().add(call)), null));
    }
  }

  private void blockDelta(JsonObject payload, Consumer<String> emit) {
    start(emit);
    if (!(payload.getValue("delta") instanceof JsonObject delta)) {
      return;
    }
    if (delta.getValue("text") instanceof String text && !text.isEmpty()) {
      streamedChars += text.length();
      emit.accept(chunk(new JsonObject().put("content", text), null));
    } else if (delta.getValue("toolUse") instanceof JsonObject toolUse && toolUse.getValue("input") instanceof String input) {
      Integer index = toolIndex.get(payload.getInteger("contentBlockIndex", -1));
      if (index == null) {
        return; // arguments of a block that never started as a tool call
      }
      streamedChars += input.length();
      JsonObject call = new JsonObject().put("index", index).put("function", new JsonObject().put("arguments", input));
      emit.accept(chunk(new JsonObject().put("tool_calls", new JsonArray().add(call)), null));
    } else if (delta.getValue("reasoningContent") instanceof JsonObject reasoning
        && reasoning.getValue("text") instanceof String text && !text.isEmpty()) {
      streamedChars += text.length();
      emit.accept(chunk(new JsonObject().put("reasoning_content", text), null));
    }
  }

  private String chunk(JsonObject delta, String finishReason) {
    return ChatShapes.chunk(id, created, deployment.upstreamModel(), delta, finishReason, clientWantsUsage);
  }


  @Override
  public Usage usage() {
    return usage;
  }

  @Override
  public long streamedChars() {
    return streamedChars;
  }

  /** ConverseStream names its last events: a stream cut before messageStop is an error, not a quiet [DONE]. */
  @Override
  public boolean reachedEnd() {
    return stopped || ended;
  }
}
