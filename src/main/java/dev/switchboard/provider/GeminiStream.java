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
 * Gemini's stream ({@code alt=sse}: every event a whole GenerateContentResponse) as OpenAI chunks,
 * event by event: text parts become content deltas, each functionCall part a tool call with its
 * own index (Gemini sends a call's arguments whole, in one part), the event with a finishReason the
 * finish chunk, the usage chunk when asked and [DONE]. Gemini ends its stream without a [DONE] of
 * its own. Nothing is accumulated but the latest usageMetadata.
 */
final class GeminiStream implements StreamTranslator {

  private final Deployment deployment;
  private final boolean clientWantsUsage;
  private final long created = System.currentTimeMillis() / 1000;
  private String id;
  private String model;
  private boolean started;
  private int toolCalls;
  private JsonObject metadata;
  private long streamedChars;

  GeminiStream(Deployment deployment, boolean clientWantsUsage) {
    this.deployment = deployment;
    this.clientWantsUsage = clientWantsUsage;
    this.model = deployment.upstreamModel();
  }

  @Override
  public void onEvent(String data, Consumer<String> emit) {
    JsonObject response = Json.objectOrNull(data);
    if (response == null) {
      throw GatewayError.of(ErrorClass.API_CONNECTION, "upstream_invalid_response", "The provider sent a stream event "
          + "that is not JSON for " + deployment.describe() + "; the stream was stopped.");
    }
    if (response.getValue("usageMetadata") instanceof JsonObject reported) {
      metadata = reported; // cumulative: the latest is the whole answer's
    }
    if (!started) {
      started = true;
      id = response.getValue("responseId") instanceof String given ? given : "chatcmpl-" + UUID.randomUUID();
      model = response.getString("modelVersion", model);
      emit.accept(chunk(new JsonObject().put("role", "assistant").put("content", ""), null));
    }
    JsonObject candidate = GeminiAnswers.firstCandidate(response);
    for (Object item : GeminiAnswers.parts(candidate)) {
      if (item instanceof JsonObject part) {
        part(part, emit);
      }
    }
    boolean blocked = candidate == null && response.getValue("promptFeedback") instanceof JsonObject feedback
        && feedback.getValue("blockReason") != null;
    String reason = candidate == null ? null : candidate.getString("finishReason");
    if (reason != null || blocked) {
      emit.accept(chunk(new JsonObject(), GeminiAnswers.finishReason(reason, toolCalls > 0, blocked)));
      if (clientWantsUsage) {
        emit.accept(ChatShapes.usageChunk(id, created, model, GeminiAnswers.openAiUsage(usage(), metadata)));
      }
      emit.accept("[DONE]");
    }
  }

  private void part(JsonObject part, Consumer<String> emit) {
    if (part.getValue("functionCall") instanceof JsonObject call) {
      JsonObject toolCall = GeminiAnswers.toolCall(call).put("index", toolCalls++);
      streamedChars += toolCall.getJsonObject("function").getString("arguments").length();
      emit.accept(chunk(new JsonObject().put("tool_calls", new JsonArray().add(toolCall)), null));
    } else if (part.getValue("text") instanceof String text && !text.isEmpty()) {
      streamedChars += text.length();
      String field = Boolean.TRUE.equals(part.getValue("thought")) ? "reasoning_content" : "content";
      emit.accept(chunk(new JsonObject().put(field, text), null));
    }
  }

  private String chunk(JsonObject delta, String finishReason) {
    return ChatShapes.chunk(id, created, model, delta, finishReason, clientWantsUsage);
  }


  @Override
  public Usage usage() {
    return GeminiAnswers.usage(metadata);
  }

  @Override
  public long streamedChars() {
    return streamedChars;
  }
}
