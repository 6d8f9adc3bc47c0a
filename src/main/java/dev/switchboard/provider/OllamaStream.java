package dev.switchboard.provider;

import dev.switchboard.errors.ErrorClass;
import dev.switchboard.errors.GatewayError;
import dev.switchboard.model.Deployment;
import dev.switchboard.model.StreamTranslator;
import dev.switchboard.model.Usage;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * Ollama's NDJSON stream (one object per line, {@code /api/chat}'s {@code message} or
 * {@code /api/generate}'s {@code response} pieces) as OpenAI chunks, line by line: text as content
 * deltas, thinking as reasoning_content, each tool call (Ollama sends them whole) with its own
 * index, and the {@code "done":true} line as the finish chunk, the usage chunk when asked and
 * [DONE]. Nothing is accumulated but the count of calls and characters.
 */
final class OllamaStream implements StreamTranslator {

  private final Deployment deployment;
  private final boolean clientWantsUsage;
  private final long created = System.currentTimeMillis() / 1000;
  private final String id = "chatcmpl-" + UUID.randomUUID();
  private String model;
  private boolean started;
  private int toolCalls;
  private Usage usage = Usage.NONE;
  private long streamedChars;
  private boolean done;

  OllamaStream(Deployment deployment, boolean clientWantsUsage) {
    this.deployment = deployment;
    this.clientWantsUsage = clientWantsUsage;
    this.model = deployment.upstreamModel();
  }

  @Override
  public void onEvent(String data, Consumer<String> emit) {
    JsonObject line = Json.objectOrNull(data);
    if (line == null) {
      throw GatewayError.of(ErrorClass.API_CONNECTION, "upstream_invalid_response", "The provider sent a stream line "
          + "that is not JSON for " + deployment.describe() + "; the stream was stopped.");
    }
    if (!started) {
      started = true;
      model = line.getString("model", model);
      emit.accept(chunk(new JsonObject().put("role", "assistant").put("content", ""), null));
    }
    JsonObject message = line.getValue("message") instanceof JsonObject given ? given : new JsonObject();
    text(message.getValue("thinking") instanceof String chat ? chat : line.getValue("thinking"), "reasoning_content", emit);
    text(message.getValue("content") instanceof String chat ? chat : line.getValue("response"), "content", emit);
    JsonArray calls = OllamaAnswers.toolCalls(message, toolCalls);
    if (!calls.isEmpty()) {
      toolCalls += calls.size();
      for (Object call : calls) {
        streamedChars += ((JsonObject) call).getJsonObject("function").getString("arguments").length();
      }
      emit.accept(chunk(new JsonObject().put("tool_calls", calls), null));
    }
    if (Boolean.TRUE.equals(line.getValue("done"))) {
      done = true;
      usage = OllamaAnswers.usage(line);
      emit.accept(chunk(new JsonObject(), OllamaAnswers.finishReason(line.getValue("done_reason"), toolCalls > 0)));
      if (clientWantsUsage) {
        emit.accept(ChatShapes.usageChunk(id, created, model, OllamaAnswers.openAiUsage(usage)));
      }
      emit.accept("[DONE]");
    }
  }

  private void text(Object value, String field, Consumer<String> emit) {
    if (value instanceof String text && !text.isEmpty()) {
      streamedChars += text.length();
      emit.accept(chunk(new JsonObject().put(field, text), null));
    }
  }

  private String chunk(JsonObject delta, String finishReason) {
    return ChatShapes.chunk(id, created, model, delta, finishReason, clientWantsUsage);
  }


  @Override
  public Usage usage() {
    return usage;
  }

  /** Ollama's last line says {@code "done":true}; a stream that ends without it was cut short. */
  @Override
  public boolean reachedEnd() {
    return done;
  }

  @Override
  public long streamedChars() {
    return streamedChars;
  }
}
