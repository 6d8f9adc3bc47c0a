package dev.switchboard.provider;

import dev.switchboard.errors.GatewayError;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Set;

/**
 * A Responses API request told as a chat completion request, for providers without a
 * {@code /responses} endpoint: the chat adapters (Anthropic, Gemini, Ollama, OpenAI-format) take it
 * from there. The shapes were checked at parse time; what only some providers lack is refused here.
 */
final class ResponsesRequests {

  /** Responses fields carried over unchanged. */
  private static final Set<String> SAME = Set.of("model", "temperature", "top_p", "user", "parallel_tool_calls",
      "stream", "metadata");

  private ResponsesRequests() {
  }

  static JsonObject toChat(JsonObject body) {
    if (body.getValue("previous_response_id") != null) {
      // The gateway put a response it stored in front of the input already: this one is another provider's
      // (a model group with OpenAI or Azure deployments beside this one), which this provider cannot read.
      throw GatewayError.badRequest("previous_response_id", "'previous_response_id' names a response this gateway "
          + "did not store, and this model's provider keeps none. Send it to an OpenAI or Azure model, or send "
          + "the whole conversation in 'input'.");
    }
    JsonObject chat = new JsonObject();
    for (String field : SAME) {
      if (body.getValue(field) != null) {
        chat.put(field, body.getValue(field));
      }
    }
    JsonArray messages = new JsonArray();
    if (body.getValue("instructions") instanceof String instructions && !instructions.isEmpty()) {
      messages.add(new JsonObject().put("role", "system").put("content", instructions));
    }
    Object input = body.getValue("input");
    if (input instanceof String text) {
      messages.add(new JsonObject().put("role", "user").put("content", text));
    } else if (input instanceof JsonArray items) {
      for (int i = 0; i < items.size(); i++) {
        item(items.getJsonObject(i), "input[" + i + "]", messages);
      }
    }
    chat.put("messages", messages);
    if (body.getValue("max_output_tokens") instanceof Number max) {
      chat.put("max_tokens", max.longValue());
    }
    if (body.getValue("tools") instanceof JsonArray tools && !tools.isEmpty()) {
      chat.put("tools", tools(tools));
    }
    if (body.getValue("tool_choice") != null) {
      chat.put("tool_choice", toolChoice(body.getValue("tool_choice")));
    }
    if (body.getValue("text") instanceof JsonObject text && text.getValue("format") instanceof JsonObject format) {
      JsonObject responseFormat = responseFormat(format);
      if (responseFormat != null) {
        chat.put("response_format", responseFormat);
      }
    }
    if (body.getValue("reasoning") instanceof JsonObject reasoning && reasoning.getValue("effort") instanceof String effort) {
      chat.put("reasoning_effort", effort);
    }
    return chat;
  }

  /** One input item onto the chat messages: consecutive function calls join one assistant message. */
  private static void item(JsonObject item, String where, JsonArray messages) {
    String type = item.getString("type", "message");
    switch (type) {
      case "message" -> messages.add(message(item, where));
      case "function_call" -> {
        JsonObject call = new JsonObject().put("id", item.getString("call_id")).put("type", "function")
            .put("function", new JsonObject().put("name", item.getString("name"))
                .put("arguments", item.getString("arguments", "{}")));
        JsonObject last = messages.isEmpty() ? null : messages.getJsonObject(messages.size() - 1);
        if (last != null && "assistant".equals(last.getString("role"))) {
          JsonArray calls = last.getJsonArray("tool_calls");
          if (calls == null) {
            last.put("tool_calls", calls = new JsonArray());
          }
          calls.add(call);
        } else {
          messages.add(new JsonObject().put("role", "assistant").putNull("content")
              .put("tool_calls", new JsonArray().add(call)));
        }
      }
      case "function_call_output" -> messages.add(new JsonObject().put("role", "tool")
          .put("tool_call_id", item.getString("call_id")).put("content", outputText(item.getValue("output"))));
      case "reasoning" -> { } // the provider's own thoughts from an earlier turn: nothing a chat model takes back
      default -> throw GatewayError.badRequest(where + ".type", where + ".type '" + type
          + "' cannot be sent to this model; use message, function_call or function_call_output items.");
    }
  }

  private static JsonObject message(JsonObject item, String where) {
    String role = item.getString("role");
    Object content = item.getValue("content");
    if (!(content instanceof JsonArray parts)) {
      return new JsonObject().put("role", role).put("content", content);
    }
    if ("assistant".equals(role)) {
      // Earlier answers come back as output_text parts; chat takes the assistant's text as a string.
      StringBuilder text = new StringBuilder();
      for (int i = 0; i < parts.size(); i++) {
        text.append(parts.getJsonObject(i).getString("text", ""));
      }
      return new JsonObject().put("role", role).put("content", text.toString());
    }
    JsonArray out = new JsonArray();
    for (int i = 0; i < parts.size(); i++) {
      out.add(part(parts.getJsonObject(i), where + ".content[" + i + "]"));
    }
    return new JsonObject().put("role", role).put("content", out);
  }

  private static JsonObject part(JsonObject part, String where) {
    String type = part.getString("type");
    return switch (type) {
      case "input_text", "output_text" -> new JsonObject().put("type", "text").put("text", part.getString("text"));
      case "input_image" -> {
        if (!(part.getValue("image_url") instanceof String url)) {
          throw GatewayError.badRequest(where + ".image_url", where + " needs an 'image_url' (a URL or a data: URL); "
              + "file_id images cannot be sent to this model.");
        }
        JsonObject image = new JsonObject().put("url", url);
        if (part.getValue("detail") instanceof String detail) {
          image.put("detail", detail);
        }
        yield new JsonObject().put("type", "image_url").put("image_url", image);
      }
      default -> throw GatewayError.badRequest(where + ".type", where + ".type '" + type
          + "' cannot be sent to this model; use input_text or input_image parts.");
    };
  }

  /** A function's output: a string, or a list of parts whose text is taken. */
  private static String outputText(Object output) {
    if (output instanceof String text) {
      return text;
    }
    StringBuilder text = new StringBuilder();
    if (output instanceof JsonArray parts) {
      for (Object part : parts) {
        if (part instanceof JsonObject object && object.getValue("text") instanceof String piece) {
          text.append(piece);
        }
      }
    }
    return text.toString();
  }

  private static JsonArray tools(JsonArray tools) {
    JsonArray out = new JsonArray();
    for (int i = 0; i < tools.size(); i++) {
      JsonObject tool = tools.getJsonObject(i);
      if (!"function".equals(tool.getString("type"))) {
        throw GatewayError.badRequest("tools[" + i + "].type", "tools[" + i + "].type '" + tool.getString("type")
            + "' is a built-in tool of OpenAI's; this model takes only function tools.");
      }
      JsonObject function = new JsonObject().put("name", tool.getString("name"));
      for (String field : new String[] {"description", "parameters", "strict"}) {
        if (tool.getValue(field) != null) {
          function.put(field, tool.getValue(field));
        }
      }
      out.add(new JsonObject().put("type", "function").put("function", function));
    }
    return out;
  }

  private static Object toolChoice(Object choice) {
    if (choice instanceof JsonObject named && "function".equals(named.getString("type"))) {
      return new JsonObject().put("type", "function").put("function", new JsonObject().put("name", named.getString("name")));
    }
    if (choice instanceof JsonObject other) {
      throw GatewayError.badRequest("tool_choice", "tool_choice of type '" + other.getString("type")
          + "' cannot be sent to this model; use auto, none, required or {type: function, name}.");
    }
    return choice;
  }

  private static JsonObject responseFormat(JsonObject format) {
    return switch (String.valueOf(format.getValue("type"))) {
      case "json_schema" -> {
        JsonObject schema = new JsonObject().put("name", format.getString("name", "response"));
        for (String field : new String[] {"schema", "strict", "description"}) {
          if (format.getValue(field) != null) {
            schema.put(field, format.getValue(field));
          }
        }
        yield new JsonObject().put("type", "json_schema").put("json_schema", schema);
      }
      case "json_object" -> new JsonObject().put("type", "json_object");
      default -> null;
    };
  }
}
