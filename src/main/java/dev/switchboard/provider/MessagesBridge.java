package dev.switchboard.provider;

import dev.switchboard.errors.ErrorClass;
import dev.switchboard.errors.GatewayError;
import dev.switchboard.model.Usage;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Anthropic's Messages format in front of an OpenAI-format provider: the request becomes an
 * OpenAI chat request, the answer becomes an Anthropic message. (Streams: {@link OpenAiToAnthropicStream}.)
 */
final class MessagesBridge {

  private MessagesBridge() {
  }

  /** An Anthropic Messages request as an OpenAI chat request. */
  static JsonObject toOpenAiChat(JsonObject anthropic) {
    JsonObject chat = new JsonObject().put("model", anthropic.getString("model"));
    JsonArray messages = new JsonArray();
    String system = ContentText.of(anthropic.getValue("system"));
    if (!system.isEmpty()) {
      messages.add(new JsonObject().put("role", "system").put("content", system));
    }
    for (Object item : anthropic.getJsonArray("messages")) {
      JsonObject message = (JsonObject) item;
      if ("assistant".equals(message.getString("role"))) {
        messages.add(assistantMessage(message.getValue("content")));
      } else {
        addUserMessages(messages, message.getValue("content"));
      }
    }
    chat.put("messages", messages);
    copy(anthropic, "max_tokens", chat, "max_tokens");
    copy(anthropic, "temperature", chat, "temperature");
    copy(anthropic, "top_p", chat, "top_p");
    copy(anthropic, "stop_sequences", chat, "stop");
    copy(anthropic, "stream", chat, "stream");
    if (anthropic.getValue("metadata") instanceof JsonObject metadata && metadata.getValue("user_id") instanceof String user) {
      chat.put("user", user);
    }
    if (anthropic.getValue("tools") instanceof JsonArray tools && !tools.isEmpty()) {
      JsonArray functions = new JsonArray();
      for (Object tool : tools) {
        JsonObject definition = (JsonObject) tool;
        JsonObject function = new JsonObject().put("name", definition.getString("name"))
            .put("parameters", definition.getJsonObject("input_schema", new JsonObject().put("type", "object")));
        if (definition.getString("description") != null) {
          function.put("description", definition.getString("description"));
        }
        functions.add(new JsonObject().put("type", "function").put("function", function));
      }
      chat.put("tools", functions);
      if (anthropic.getValue("tool_choice") instanceof JsonObject choice) {
        chat.put("tool_choice", toolChoice(choice));
        if (Boolean.TRUE.equals(choice.getValue("disable_parallel_tool_use"))) {
          chat.put("parallel_tool_calls", false);
        }
      }
    }
    return chat;
  }

  private static Object toolChoice(JsonObject choice) {
    return switch (String.valueOf(choice.getString("type"))) {
      case "any" -> "required";
      case "none" -> "none";
      case "tool" -> new JsonObject().put("type", "function")
          .put("function", new JsonObject().put("name", choice.getString("name")));
      default -> "auto";
    };
  }

  /** Tool results become OpenAI tool messages; the rest of a user turn stays one user message. */
  private static void addUserMessages(JsonArray messages, Object content) {
    if (content instanceof String text) {
      messages.add(new JsonObject().put("role", "user").put("content", text));
      return;
    }
    JsonArray parts = new JsonArray();
    if (content instanceof JsonArray blocks) {
      for (Object item : blocks) {
        JsonObject block = (JsonObject) item;
        switch (String.valueOf(block.getString("type"))) {
          case "tool_result" -> messages.add(new JsonObject().put("role", "tool")
              .put("tool_call_id", block.getString("tool_use_id")).put("content", ContentText.of(block.getValue("content"))));
          case "text" -> parts.add(new JsonObject().put("type", "text").put("text", block.getString("text", "")));
          case "image" -> parts.add(new JsonObject().put("type", "image_url")
              .put("image_url", new JsonObject().put("url", imageUrl(block.getJsonObject("source", new JsonObject())))));
          default -> { } // thinking and other blocks have no OpenAI counterpart
        }
      }
    }
    if (!parts.isEmpty()) {
      messages.add(new JsonObject().put("role", "user").put("content", parts));
    }
  }

  private static String imageUrl(JsonObject source) {
    if ("base64".equals(source.getString("type"))) {
      return "data:" + source.getString("media_type") + ";base64," + source.getString("data");
    }
    return source.getString("url");
  }

  private static JsonObject assistantMessage(Object content) {
    JsonObject message = new JsonObject().put("role", "assistant");
    if (content instanceof String text) {
      return message.put("content", text);
    }
    StringBuilder text = new StringBuilder();
    JsonArray calls = new JsonArray();
    if (content instanceof JsonArray blocks) {
      for (Object item : blocks) {
        JsonObject block = (JsonObject) item;
        if ("text".equals(block.getString("type"))) {
          text.append(block.getString("text", ""));
        } else if ("tool_use".equals(block.getString("type"))) {
          calls.add(new JsonObject().put("id", block.getString("id")).put("type", "function")
              .put("function", new JsonObject().put("name", block.getString("name"))
                  .put("arguments", block.getJsonObject("input", new JsonObject()).encode())));
        }
      }
    }
    message.put("content", text.isEmpty() && !calls.isEmpty() ? null : text.toString());
    if (!calls.isEmpty()) {
      message.put("tool_calls", calls);
    }
    return message;
  }

  /** An OpenAI chat completion as an Anthropic message. */
  static JsonObject toAnthropicMessage(JsonObject completion, Usage usage, String model) {
    JsonArray choices = completion.getJsonArray("choices", new JsonArray());
    if (choices.isEmpty()) {
      throw GatewayError.of(ErrorClass.API_CONNECTION, "upstream_invalid_response", "The provider's answer has no choices to turn into a message.");
    }
    JsonObject choice = choices.getJsonObject(0);
    JsonObject message = choice.getJsonObject("message", new JsonObject());
    JsonArray content = new JsonArray();
    String text = ContentText.of(message.getValue("content"));
    if (!text.isEmpty()) {
      content.add(new JsonObject().put("type", "text").put("text", text));
    }
    if (message.getValue("tool_calls") instanceof JsonArray calls) {
      for (Object item : calls) {
        JsonObject call = (JsonObject) item;
        JsonObject function = call.getJsonObject("function", new JsonObject());
        JsonObject input = Json.objectOrNull(function.getString("arguments", "{}"));
        content.add(new JsonObject().put("type", "tool_use").put("id", call.getString("id"))
            .put("name", function.getString("name")).put("input", input == null ? new JsonObject() : input));
      }
    }
    return new JsonObject()
        .put("id", completion.getString("id", "msg_switchboard"))
        .put("type", "message")
        .put("role", "assistant")
        .put("model", model)
        .put("content", content)
        .put("stop_reason", stopReason(choice.getString("finish_reason")))
        .putNull("stop_sequence")
        .put("usage", anthropicUsage(usage));
  }

  static String stopReason(String finishReason) {
    if (finishReason == null) {
      return null;
    }
    return switch (finishReason) {
      case "length" -> "max_tokens";
      case "tool_calls", "function_call" -> "tool_use";
      case "content_filter" -> "refusal";
      default -> "end_turn";
    };
  }

  static JsonObject anthropicUsage(Usage usage) {
    return new JsonObject()
        .put("input_tokens", usage.promptTokens() - usage.cachedTokens())
        .put("output_tokens", usage.completionTokens())
        .put("cache_read_input_tokens", usage.cachedTokens());
  }

  private static void copy(JsonObject from, String field, JsonObject to, String as) {
    Object value = from.getValue(field);
    if (value != null) {
      to.put(as, value);
    }
  }
}
