package dev.switchboard.provider;

import dev.switchboard.model.StreamTranslator;
import dev.switchboard.model.Usage;
import io.vertx.core.json.JsonObject;
import java.util.function.Consumer;

/**
 * An OpenAI or Azure Responses stream passed through event by event, each as it came: the gateway
 * reads the deltas (counted, for an estimate) and the last event, whose response carries the usage. A stream that ends before its last event is an error, not a quiet end.
 */
final class ResponsesPassthroughStream implements StreamTranslator {

  private Usage usage = Usage.NONE;
  private long streamedChars;
  private boolean ended;
  /** The finished response's id, the one thing the gateway records of a response the provider keeps. */
  private JsonObject completed;

  @Override
  public void onEvent(String data, Consumer<String> emit) {
    if ("[DONE]".equals(data)) {
      return; // not part of the Responses API; the gateway's end-of-stream hook may pass it
    }
    JsonObject event = Json.objectOrNull(data);
    String type = event == null ? "" : String.valueOf(event.getValue("type"));
    switch (type) {
      case "response.completed", "response.incomplete", "response.failed", "error" -> {
        if (event.getValue("response") instanceof JsonObject response
            && response.getValue("usage") instanceof JsonObject reported) {
          usage = ResponsesAnswers.usage(reported);
        }
        if (!type.equals("error") && event.getValue("response") instanceof JsonObject response
            && response.getValue("id") instanceof String id) {
          completed = new JsonObject().put("id", id);
        }
        ended = true;
      }
      case "response.output_text.delta", "response.function_call_arguments.delta", "response.refusal.delta" -> {
        if (event.getValue("delta") instanceof String delta) {
          streamedChars += delta.length();
        }
      }
      default -> { }
    }
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

  @Override
  public boolean reachedEnd() {
    return ended;
  }

  @Override
  public JsonObject completedAnswer() {
    return completed;
  }
}
