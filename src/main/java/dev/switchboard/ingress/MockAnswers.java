package dev.switchboard.ingress;

import dev.switchboard.model.Operation;
import dev.switchboard.model.Usage;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.UUID;

/** A {@code mock_response}'s answer in the operation's own wire format: OpenAI chat or text completion, or Anthropic's message. */
final class MockAnswers {

  private final Operation operation;
  private final String model;
  private final String text;
  private final Usage usage;
  private final String id = UUID.randomUUID().toString().replace("-", "");
  private final long created = System.currentTimeMillis() / 1000;

  MockAnswers(Operation operation, String model, String text, Usage usage) {
    this.operation = operation;
    this.model = model;
    this.text = text;
    this.usage = usage;
  }

  JsonObject body() {
    return switch (operation) {
      case MESSAGES -> new JsonObject().put("id", "msg_" + id).put("type", "message").put("role", "assistant")
          .put("model", model).put("content", new JsonArray().add(new JsonObject().put("type", "text").put("text", text)))
          .put("stop_reason", "end_turn").putNull("stop_sequence").put("usage", anthropicUsage());
      case COMPLETION -> openAi("text_completion", new JsonObject().put("index", 0).put("text", text)
          .putNull("logprobs").put("finish_reason", "stop")).put("usage", openAiUsage());
      default -> openAi("chat.completion", new JsonObject().put("index", 0)
          .put("message", new JsonObject().put("role", "assistant").put("content", text))
          .put("finish_reason", "stop")).put("usage", openAiUsage());
    };
  }

  /** Writes the stream's head and events now; the returned ending writes its last event once the spend row is in. */
  Runnable stream(HttpServerResponse response, boolean includeUsage) {
    response.setChunked(true).putHeader(HttpHeaders.CONTENT_TYPE, "text/event-stream")
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-cache");
    if (operation == Operation.MESSAGES) {
      anthropicEvent(response, "message_start", new JsonObject().put("message", body().put("content", new JsonArray())
          .putNull("stop_reason").put("usage", new JsonObject().put("input_tokens", usage.promptTokens()).put("output_tokens", 0))));
      anthropicEvent(response, "content_block_start", new JsonObject().put("index", 0)
          .put("content_block", new JsonObject().put("type", "text").put("text", "")));
      anthropicEvent(response, "content_block_delta", new JsonObject().put("index", 0)
          .put("delta", new JsonObject().put("type", "text_delta").put("text", text)));
      anthropicEvent(response, "content_block_stop", new JsonObject().put("index", 0));
      anthropicEvent(response, "message_delta", new JsonObject().put("delta", new JsonObject().put("stop_reason", "end_turn")
          .putNull("stop_sequence")).put("usage", new JsonObject().put("output_tokens", usage.completionTokens())));
      return () -> {
        if (!response.closed()) {
          anthropicEvent(response, "message_stop", new JsonObject());
          response.end();
        }
      };
    }
    boolean chat = operation != Operation.COMPLETION;
    String object = chat ? "chat.completion.chunk" : "text_completion";
    if (chat) {
      data(response, openAi(object, choice(new JsonObject().put("role", "assistant").put("content", ""), null)));
    }
    data(response, openAi(object, chat ? choice(new JsonObject().put("content", text), null)
        : new JsonObject().put("index", 0).put("text", text).putNull("finish_reason")));
    data(response, openAi(object, chat ? choice(new JsonObject(), "stop")
        : new JsonObject().put("index", 0).put("text", "").put("finish_reason", "stop")));
    if (includeUsage) {
      data(response, openAi(object, null).put("choices", new JsonArray()).put("usage", openAiUsage()));
    }
    return () -> {
      if (!response.closed()) {
        response.end("data: [DONE]\n\n");
      }
    };
  }

  private JsonObject openAi(String object, JsonObject choice) {
    JsonObject answer = new JsonObject().put("id", (object.startsWith("chat") ? "chatcmpl-" : "cmpl-") + id)
        .put("object", object).put("created", created).put("model", model);
    return choice == null ? answer : answer.put("choices", new JsonArray().add(choice));
  }

  private static JsonObject choice(JsonObject delta, String finishReason) {
    return new JsonObject().put("index", 0).put("delta", delta).put("finish_reason", finishReason);
  }

  private JsonObject openAiUsage() {
    return new JsonObject().put("prompt_tokens", usage.promptTokens()).put("completion_tokens", usage.completionTokens())
        .put("total_tokens", usage.totalTokens());
  }

  private JsonObject anthropicUsage() {
    return new JsonObject().put("input_tokens", usage.promptTokens()).put("output_tokens", usage.completionTokens());
  }

  private static void data(HttpServerResponse response, JsonObject event) {
    response.write("data: " + event.encode() + "\n\n");
  }

  private static void anthropicEvent(HttpServerResponse response, String type, JsonObject data) {
    response.write("event: " + type + "\ndata: " + data.put("type", type).encode() + "\n\n");
  }
}
