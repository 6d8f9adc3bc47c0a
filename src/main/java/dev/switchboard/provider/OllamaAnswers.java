package dev.switchboard.provider;

import dev.switchboard.errors.ErrorClass;
import dev.switchboard.errors.GatewayError;
import dev.switchboard.model.Deployment;
import dev.switchboard.model.Usage;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.UUID;

/**
 * Ollama's answers in OpenAI's shape: {@code /api/chat}'s {@code message} and {@code /api/generate}'s
 * {@code response} as a chat completion, {@code done_reason} as finish_reason,
 * {@code prompt_eval_count}/{@code eval_count} as usage, {@code /api/embed}'s vectors as a list.
 */
final class OllamaAnswers {

  private OllamaAnswers() {
  }

  static JsonObject readable(Deployment deployment, Buffer body) {
    JsonObject json = Json.objectOrNull(body);
    if (json == null) {
      throw GatewayError.of(ErrorClass.API_CONNECTION, "upstream_invalid_response", "The provider answered "
          + deployment.describe() + " with something that is not an Ollama response.");
    }
    return json;
  }

  static JsonObject completion(Deployment deployment, JsonObject response) {
    JsonObject message = response.getValue("message") instanceof JsonObject given ? given : new JsonObject();
    String text = message.getValue("content") instanceof String content ? content
        : response.getValue("response") instanceof String generated ? generated : "";
    String thinking = message.getValue("thinking") instanceof String chat ? chat
        : response.getValue("thinking") instanceof String generated ? generated : null;
    JsonArray toolCalls = toolCalls(message, 0);
    toolCalls.forEach(call -> ((JsonObject) call).remove("index")); // a stream's field only
    JsonObject assistant = new JsonObject().put("role", "assistant")
        .put("content", text.isEmpty() && !toolCalls.isEmpty() ? null : text);
    if (thinking != null && !thinking.isEmpty()) {
      assistant.put("reasoning_content", thinking);
    }
    if (!toolCalls.isEmpty()) {
      assistant.put("tool_calls", toolCalls);
    }
    return ChatShapes.completion("chatcmpl-" + UUID.randomUUID(), System.currentTimeMillis() / 1000,
        response.getString("model", deployment.upstreamModel()), assistant,
        finishReason(response.getValue("done_reason"), !toolCalls.isEmpty()), openAiUsage(usage(response)));
  }

  /**
   * A message's tool calls in OpenAI's form, indexed from {@code firstIndex}. Ollama sends each call
   * whole with its arguments as an object, and gives no id: the gateway makes one.
   */
  static JsonArray toolCalls(JsonObject message, int firstIndex) {
    JsonArray out = new JsonArray();
    if (!(message.getValue("tool_calls") instanceof JsonArray calls)) {
      return out;
    }
    for (Object item : calls) {
      if (!(item instanceof JsonObject call) || !(call.getValue("function") instanceof JsonObject function)) {
        continue;
      }
      Object args = function.getValue("arguments");
      String arguments = args instanceof JsonObject object ? object.encode() : args instanceof String text ? text : "{}";
      String id = call.getValue("id") instanceof String given && !given.isEmpty() ? given : "call_" + UUID.randomUUID();
      out.add(new JsonObject().put("index", firstIndex + out.size()).put("id", id).put("type", "function")
          .put("function", new JsonObject().put("name", function.getString("name")).put("arguments", arguments)));
    }
    return out;
  }

  /** stop and length as they are; a tool call's answer is tool_calls, as OpenAI clients expect. */
  static String finishReason(Object doneReason, boolean hasToolCalls) {
    if (hasToolCalls) {
      return "tool_calls";
    }
    return "length".equals(doneReason) ? "length" : "stop";
  }

  /** Ollama leaves out prompt_eval_count when the whole prompt came from its cache: zero then. */
  static Usage usage(JsonObject response) {
    long prompt = count(response, "prompt_eval_count");
    long completion = count(response, "eval_count");
    return new Usage(prompt, completion, prompt + completion, 0);
  }

  static JsonObject openAiUsage(Usage usage) {
    return new JsonObject()
        .put("prompt_tokens", usage.promptTokens())
        .put("completion_tokens", usage.completionTokens())
        .put("total_tokens", usage.totalTokens());
  }

  static JsonObject embeddings(Deployment deployment, JsonObject response) {
    if (!(response.getValue("embeddings") instanceof JsonArray embeddings)) {
      throw GatewayError.of(ErrorClass.API_CONNECTION, "upstream_invalid_response", "The provider answered "
          + deployment.describe() + " with something that is not an Ollama embeddings answer.");
    }
    JsonArray data = new JsonArray();
    for (int i = 0; i < embeddings.size(); i++) {
      data.add(new JsonObject().put("object", "embedding").put("index", i).put("embedding", embeddings.getValue(i)));
    }
    long prompt = count(response, "prompt_eval_count");
    return new JsonObject().put("object", "list").put("data", data)
        .put("model", response.getString("model", deployment.upstreamModel()))
        .put("usage", new JsonObject().put("prompt_tokens", prompt).put("total_tokens", prompt));
  }

  private static long count(JsonObject json, String field) {
    return json.getValue(field) instanceof Number n ? n.longValue() : 0;
  }
}
