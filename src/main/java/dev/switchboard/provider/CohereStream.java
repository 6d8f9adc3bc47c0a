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
 * Cohere's v2 chat stream (typed events, each naming its type in its data) as OpenAI chunks, event
 * by event: message-start opens the answer, content-delta and tool-plan-delta are content deltas,
 * tool-call-start opens a call (id and name) with its own index, each tool-call-delta streams that
 * call's arguments on, and message-end is the finish chunk, the usage chunk when asked and [DONE].
 * Nothing is accumulated but counts. A stream that stops before message-end is an error.
 */
final class CohereStream implements StreamTranslator {

  private final Deployment deployment;
  private final boolean clientWantsUsage;
  private final long created = System.currentTimeMillis() / 1000;
  private String id = "chatcmpl-" + UUID.randomUUID();
  private boolean started;
  private int toolCalls;
  private Usage usage = Usage.NONE;
  private long streamedChars;
  private boolean ended;

  CohereStream(Deployment deployment, boolean clientWantsUsage) {
    this.deployment = deployment;
    this.clientWantsUsage = clientWantsUsage;
  }

  @Override
  public void onEvent(String data, Consumer<String> emit) {
    JsonObject event = Json.objectOrNull(data);
    if (event == null) {
      throw GatewayError.of(ErrorClass.API_CONNECTION, "upstream_invalid_response", "The provider sent a stream event "
          + "that is not JSON for " + deployment.describe() + "; the stream was stopped.");
    }
    String type = String.valueOf(event.getValue("type"));
    if (!started) {
      started = true;
      if ("message-start".equals(type) && event.getValue("id") instanceof String given) {
        id = given;
      }
      emit.accept(chunk(new JsonObject().put("role", "assistant").put("content", ""), null));
    }
    JsonObject message = delta(event).getValue("message") instanceof JsonObject given ? given : new JsonObject();
    switch (type) {
      case "content-delta" -> text(message.getValue("content") instanceof JsonObject content ? content.getValue("text") : null, emit);
      case "tool-plan-delta" -> text(message.getValue("tool_plan"), emit);
      case "tool-call-start" -> {
        if (message.getValue("tool_calls") instanceof JsonObject call) {
          JsonObject toolCall = CohereAnswers.toolCall(call).put("index", toolCalls++);
          streamedChars += toolCall.getJsonObject("function").getString("arguments").length();
          emit.accept(chunk(new JsonObject().put("tool_calls", new JsonArray().add(toolCall)), null));
        }
      }
      case "tool-call-delta" -> {
        if (toolCalls > 0 && message.getValue("tool_calls") instanceof JsonObject call
            && call.getValue("function") instanceof JsonObject function
            && function.getValue("arguments") instanceof String arguments && !arguments.isEmpty()) {
          streamedChars += arguments.length();
          emit.accept(chunk(new JsonObject().put("tool_calls", new JsonArray().add(new JsonObject()
              .put("index", toolCalls - 1).put("function", new JsonObject().put("arguments", arguments)))), null));
        }
      }
      case "message-end" -> end(delta(event), emit);
      default -> {
        // message-start, content-start/-end, tool-call-end, citation-*: nothing to tell an OpenAI client
      }
    }
  }

  private void end(JsonObject delta, Consumer<String> emit) {
    ended = true;
    usage = CohereAnswers.usage(delta.getValue("usage") instanceof JsonObject given ? given : null);
    String error = delta.getValue("error") instanceof String text ? text : null;
    String finish = CohereAnswers.finishReason(deployment, delta.getString("finish_reason"), toolCalls > 0, error);
    emit.accept(chunk(new JsonObject(), finish));
    if (clientWantsUsage) {
      emit.accept(ChatShapes.usageChunk(id, created, deployment.upstreamModel(), CohereAnswers.openAiUsage(usage)));
    }
    emit.accept("[DONE]");
  }

  private static JsonObject delta(JsonObject event) {
    return event.getValue("delta") instanceof JsonObject delta ? delta : new JsonObject();
  }

  private void text(Object text, Consumer<String> emit) {
    if (text instanceof String piece && !piece.isEmpty()) {
      streamedChars += piece.length();
      emit.accept(chunk(new JsonObject().put("content", piece), null));
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

  @Override
  public boolean reachedEnd() {
    return ended;
  }
}
