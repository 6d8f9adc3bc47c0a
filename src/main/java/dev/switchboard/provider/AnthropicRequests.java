package dev.switchboard.provider;

import dev.switchboard.model.Deployment;
import dev.switchboard.errors.GatewayError;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Set;

/**
 * An OpenAI chat request as Anthropic's Messages API takes it: system messages lifted out,
 * tool calls and tool results as content blocks, tools and tool_choice in Anthropic's shape.
 */
final class AnthropicRequests {

  /** LiteLLM's default when the client gives no max_tokens; Anthropic requires one. */
  static final int DEFAULT_MAX_TOKENS = 4096;

  /** OpenAI fields this translation carries over (or consumes). */
  private static final Set<String> TRANSLATED = Set.of(
      "model", "messages", "max_tokens", "max_completion_tokens", "temperature", "top_p", "stop", "stream",
      "stream_options", "tools", "tool_choice", "user", "parallel_tool_calls");

  private AnthropicRequests() {
  }

  static JsonObject messagesBody(Deployment deployment, JsonObject openAi, boolean stream) {
    OpenAiBodies.refuseUntranslated(deployment, openAi, TRANSLATED);
    JsonObject out = new JsonObject().put("model", deployment.upstreamModel());
    Object maxTokens = openAi.getValue("max_tokens") != null ? openAi.getValue("max_tokens")
        : openAi.getValue("max_completion_tokens");
    out.put("max_tokens", maxTokens instanceof Number n ? n.intValue() : DEFAULT_MAX_TOKENS);

    StringBuilder system = new StringBuilder();
    JsonArray messages = new JsonArray();
    JsonArray list = openAi.getJsonArray("messages");
    for (int i = 0; i < list.size(); i++) {
      JsonObject message = list.getJsonObject(i);
      String role = message.getString("role");
      switch (role) {
        case "system", "developer" -> {
          if (!system.isEmpty()) {
            system.append("\n\n");
          }
          system.append(ContentText.of(message.getValue("content")));
        }
        case "user" -> append(messages, "user", userContent(message.getValue("content"), i));
        case "assistant" -> append(messages, "assistant", assistantContent(message));
        case "tool" -> append(messages, "user", new JsonArray().add(new JsonObject()
            .put("type", "tool_result")
            .put("tool_use_id", message.getString("tool_call_id"))
            .put("content", ContentText.of(message.getValue("content")))));
        default -> throw GatewayError.badRequest("messages[" + i + "].role",
            "messages[" + i + "].role '" + role + "' is not one of system, developer, user, assistant, tool.");
      }
    }
    if (!system.isEmpty()) {
      out.put("system", system.toString());
    }
    out.put("messages", messages);

    copy(openAi, "temperature", out, "temperature");
    copy(openAi, "top_p", out, "top_p");
    Object stop = openAi.getValue("stop");
    if (stop instanceof String one) {
      out.put("stop_sequences", new JsonArray().add(one));
    } else if (stop instanceof JsonArray many) {
      out.put("stop_sequences", many.copy());
    }
    if (openAi.getValue("tools") instanceof JsonArray tools && !tools.isEmpty()) {
      out.put("tools", tools(tools));
      Object choice = openAi.getValue("tool_choice");
      JsonObject toolChoice = choice == null ? null : toolChoice(choice);
      if (Boolean.FALSE.equals(openAi.getValue("parallel_tool_calls"))) {
        toolChoice = (toolChoice == null ? new JsonObject().put("type", "auto") : toolChoice)
            .put("disable_parallel_tool_use", true);
      }
      if (toolChoice != null) {
        out.put("tool_choice", toolChoice);
      }
    }
    if (openAi.getValue("user") instanceof String user) {
      out.put("metadata", new JsonObject().put("user_id", user));
    }
    if (stream) {
      out.put("stream", true);
    }
    return out;
  }

  /** An Anthropic-format request for Anthropic: as the client sent it, for this deployment's model. */
  static JsonObject passthrough(Deployment deployment, JsonObject anthropic) {
    JsonObject body = new JsonObject(new java.util.LinkedHashMap<>(anthropic.getMap()));
    Object metadata = body.getValue("metadata");
    for (String field : OpenAiBodies.GATEWAY_ONLY_FIELDS) {
      body.remove(field);
    }
    // Anthropic's own metadata is user_id alone; anything else in it was meant for the gateway.
    if (metadata instanceof JsonObject given && given.getValue("user_id") != null) {
      body.put("metadata", new JsonObject().put("user_id", given.getValue("user_id")));
    }
    return body.put("model", deployment.upstreamModel());
  }

  /** Anthropic wants alternating turns: consecutive messages of one role become one. */
  private static void append(JsonArray messages, String role, JsonArray content) {
    JsonObject last = messages.isEmpty() ? null : messages.getJsonObject(messages.size() - 1);
    if (last != null && role.equals(last.getString("role"))) {
      last.getJsonArray("content").addAll(content);
    } else {
      messages.add(new JsonObject().put("role", role).put("content", content));
    }
  }

  private static JsonArray userContent(Object content, int index) {
    JsonArray blocks = new JsonArray();
    if (content instanceof String text) {
      return blocks.add(textBlock(text));
    }
    if (!(content instanceof JsonArray parts)) {
      throw GatewayError.badRequest("messages[" + index + "].content",
          "messages[" + index + "].content must be a string or a list of content parts.");
    }
    for (int i = 0; i < parts.size(); i++) {
      JsonObject part = parts.getJsonObject(i);
      switch (String.valueOf(part.getString("type"))) {
        case "text" -> blocks.add(textBlock(part.getString("text")));
        case "image_url" -> blocks.add(image(part.getValue("image_url"), index, i));
        default -> throw GatewayError.badRequest("messages[" + index + "].content[" + i + "].type",
            "Content part type '" + part.getString("type") + "' is not supported for Anthropic models; use text or image_url.");
      }
    }
    return blocks;
  }

  /** A data: URL becomes a base64 source; any other URL is passed as a URL source. */
  private static JsonObject image(Object imageUrl, int message, int part) {
    String url = imageUrl instanceof JsonObject object ? object.getString("url") : imageUrl instanceof String s ? s : null;
    if (url == null) {
      throw GatewayError.badRequest("messages[" + message + "].content[" + part + "].image_url",
          "image_url must carry a url.");
    }
    JsonObject source;
    if (url.startsWith("data:") && url.contains(";base64,")) {
      int semicolon = url.indexOf(';');
      source = new JsonObject().put("type", "base64").put("media_type", url.substring(5, semicolon))
          .put("data", url.substring(url.indexOf(";base64,") + 8));
    } else {
      source = new JsonObject().put("type", "url").put("url", url);
    }
    return new JsonObject().put("type", "image").put("source", source);
  }

  private static JsonArray assistantContent(JsonObject message) {
    JsonArray blocks = new JsonArray();
    String text = ContentText.of(message.getValue("content"));
    if (!text.isEmpty()) {
      blocks.add(textBlock(text));
    }
    if (message.getValue("tool_calls") instanceof JsonArray calls) {
      for (int i = 0; i < calls.size(); i++) {
        JsonObject call = calls.getJsonObject(i);
        JsonObject function = call.getJsonObject("function", new JsonObject());
        blocks.add(new JsonObject().put("type", "tool_use").put("id", call.getString("id"))
            .put("name", function.getString("name")).put("input", arguments(function.getValue("arguments"))));
      }
    }
    return blocks;
  }

  private static JsonObject arguments(Object arguments) {
    if (arguments instanceof JsonObject object) {
      return object;
    }
    if (arguments instanceof String text && !text.isBlank()) {
      JsonObject parsed = Json.objectOrNull(text);
      if (parsed != null) {
        return parsed;
      }
      throw GatewayError.badRequest("messages", "A tool call's arguments are not a JSON object: Anthropic needs one.");
    }
    return new JsonObject();
  }

  private static JsonArray tools(JsonArray openAiTools) {
    JsonArray out = new JsonArray();
    for (int i = 0; i < openAiTools.size(); i++) {
      JsonObject function = openAiTools.getJsonObject(i).getJsonObject("function");
      if (function == null) {
        throw GatewayError.badRequest("tools[" + i + "]", "tools[" + i + "] must be {type: function, function: {...}}.");
      }
      JsonObject tool = new JsonObject().put("name", function.getString("name"))
          .put("input_schema", function.getJsonObject("parameters", new JsonObject().put("type", "object")));
      if (function.getString("description") != null) {
        tool.put("description", function.getString("description"));
      }
      out.add(tool);
    }
    return out;
  }

  private static JsonObject toolChoice(Object choice) {
    if (choice instanceof JsonObject named && named.getJsonObject("function") != null) {
      return new JsonObject().put("type", "tool").put("name", named.getJsonObject("function").getString("name"));
    }
    return switch (String.valueOf(choice)) {
      case "required" -> new JsonObject().put("type", "any");
      case "none" -> new JsonObject().put("type", "none");
      default -> new JsonObject().put("type", "auto");
    };
  }

  private static JsonObject textBlock(String text) {
    return new JsonObject().put("type", "text").put("text", text == null ? "" : text);
  }

  private static void copy(JsonObject from, String field, JsonObject to, String as) {
    Object value = from.getValue(field);
    if (value != null) {
      to.put(as, value);
    }
  }
}
