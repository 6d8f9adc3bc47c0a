package dev.switchboard.provider;

import dev.switchboard.errors.GatewayError;
import dev.switchboard.model.Deployment;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Set;

/**
 * An OpenAI chat request as Cohere's v2 /chat takes it. The message list is close to OpenAI's
 * (system, user, assistant with tool_calls, tool with tool_call_id), so messages keep their order;
 * sampling settings are renamed (top_p → p, stop → stop_sequences), tool_choice becomes
 * REQUIRED/NONE, and a json_schema response format becomes Cohere's json_object with its schema.
 */
final class CohereRequests {

  /** OpenAI fields this translation carries over (or consumes: user and parallel_tool_calls mean nothing to Cohere). */
  private static final Set<String> TRANSLATED = Set.of(
      "model", "messages", "max_tokens", "max_completion_tokens", "temperature", "top_p", "top_k", "stop", "stream",
      "stream_options", "tools", "tool_choice", "user", "parallel_tool_calls", "response_format", "seed",
      "presence_penalty", "frequency_penalty", "n");

  private CohereRequests() {
  }

  static JsonObject chat(Deployment deployment, JsonObject openAi, boolean stream) {
    OpenAiBodies.refuseUntranslated(deployment, openAi, TRANSLATED);
    JsonArray messages = new JsonArray();
    JsonArray given = openAi.getJsonArray("messages");
    for (int i = 0; i < given.size(); i++) {
      messages.add(message(given.getJsonObject(i), i));
    }
    JsonObject out = new JsonObject().put("model", deployment.upstreamModel()).put("messages", messages);
    copy(openAi, "temperature", out, "temperature");
    copy(openAi, "top_p", out, "p");
    copy(openAi, "top_k", out, "k");
    copy(openAi, "seed", out, "seed");
    copy(openAi, "presence_penalty", out, "presence_penalty");
    copy(openAi, "frequency_penalty", out, "frequency_penalty");
    Object max = openAi.getValue("max_completion_tokens") != null ? openAi.getValue("max_completion_tokens")
        : openAi.getValue("max_tokens");
    if (max instanceof Number n) {
      out.put("max_tokens", n.intValue());
    }
    Object stop = openAi.getValue("stop");
    if (stop instanceof String one) {
      out.put("stop_sequences", new JsonArray().add(one));
    } else if (stop instanceof JsonArray many && !many.isEmpty()) {
      out.put("stop_sequences", many.copy());
    }
    if (openAi.getValue("response_format") instanceof JsonObject format) {
      responseFormat(format, out);
    }
    if (openAi.getValue("tools") instanceof JsonArray tools && !tools.isEmpty()) {
      tools(tools, openAi.getValue("tool_choice"), out);
    }
    if (stream) {
      out.put("stream", true);
    }
    return out;
  }

  private static JsonObject message(JsonObject message, int index) {
    String role = message.getString("role");
    return switch (String.valueOf(role)) {
      case "system", "developer" -> new JsonObject().put("role", "system").put("content", ContentText.of(message.getValue("content")));
      case "user" -> new JsonObject().put("role", "user").put("content", userContent(message.getValue("content"), index));
      case "assistant" -> assistant(message);
      case "tool" -> new JsonObject().put("role", "tool").put("tool_call_id", message.getString("tool_call_id"))
          .put("content", ContentText.of(message.getValue("content")));
      default -> throw GatewayError.badRequest("messages[" + index + "].role",
          "messages[" + index + "].role '" + role + "' is not one of system, developer, user, assistant, tool.");
    };
  }

  /** A string stays one; parts become Cohere's text and image_url parts (Cohere fetches URLs and takes data: URLs). */
  private static Object userContent(Object content, int index) {
    if (content instanceof String text) {
      return text;
    }
    if (!(content instanceof JsonArray list)) {
      throw GatewayError.badRequest("messages[" + index + "].content",
          "messages[" + index + "].content must be a string or a list of content parts.");
    }
    JsonArray parts = new JsonArray();
    for (int i = 0; i < list.size(); i++) {
      JsonObject part = list.getJsonObject(i);
      switch (String.valueOf(part.getString("type"))) {
        case "text" -> parts.add(new JsonObject().put("type", "text").put("text", part.getString("text", "")));
        case "image_url" -> {
          Object image = part.getValue("image_url");
          String url = image instanceof JsonObject object ? object.getString("url") : image instanceof String s ? s : null;
          if (url == null) {
            throw GatewayError.badRequest("messages[" + index + "].content[" + i + "].image_url", "image_url must carry a url.");
          }
          JsonObject out = new JsonObject().put("url", url);
          if (image instanceof JsonObject object && object.getValue("detail") instanceof String detail) {
            out.put("detail", detail);
          }
          parts.add(new JsonObject().put("type", "image_url").put("image_url", out));
        }
        default -> throw GatewayError.badRequest("messages[" + index + "].content[" + i + "].type",
            "Content part type '" + part.getString("type") + "' is not supported for Cohere models; use text or image_url.");
      }
    }
    return parts;
  }

  private static JsonObject assistant(JsonObject message) {
    JsonObject out = new JsonObject().put("role", "assistant");
    String text = ContentText.of(message.getValue("content"));
    JsonArray calls = message.getValue("tool_calls") instanceof JsonArray given ? given : new JsonArray();
    if (!text.isEmpty()) {
      out.put("content", text);
    }
    if (!calls.isEmpty()) {
      JsonArray toolCalls = new JsonArray();
      for (int i = 0; i < calls.size(); i++) {
        JsonObject call = calls.getJsonObject(i);
        JsonObject function = call.getJsonObject("function", new JsonObject());
        Object arguments = function.getValue("arguments");
        toolCalls.add(new JsonObject().put("id", call.getString("id")).put("type", "function").put("function",
            new JsonObject().put("name", function.getString("name"))
                .put("arguments", arguments instanceof JsonObject object ? object.encode()
                    : arguments instanceof String s && !s.isBlank() ? s : "{}")));
      }
      out.put("tool_calls", toolCalls);
    } else if (text.isEmpty()) {
      out.put("content", "");
    }
    return out;
  }

  /**
   * Cohere's tools have OpenAI's shape. Its tool_choice has no "this function": a named choice is
   * REQUIRED with only that tool offered.
   */
  private static void tools(JsonArray openAiTools, Object choice, JsonObject out) {
    String only = choice instanceof JsonObject named && named.getValue("function") instanceof JsonObject function
        ? function.getString("name") : null;
    JsonArray tools = new JsonArray();
    for (int i = 0; i < openAiTools.size(); i++) {
      JsonObject function = openAiTools.getJsonObject(i).getJsonObject("function");
      if (function == null) {
        throw GatewayError.badRequest("tools[" + i + "]", "tools[" + i + "] must be {type: function, function: {...}}.");
      }
      if (only != null && !only.equals(function.getString("name"))) {
        continue;
      }
      JsonObject declaration = new JsonObject().put("name", function.getString("name"));
      copy(function, "description", declaration, "description");
      copy(function, "parameters", declaration, "parameters");
      tools.add(new JsonObject().put("type", "function").put("function", declaration));
    }
    out.put("tools", tools);
    if (only != null || "required".equals(choice)) {
      out.put("tool_choice", "REQUIRED");
    } else if ("none".equals(choice)) {
      out.put("tool_choice", "NONE");
    }
  }

  private static void responseFormat(JsonObject format, JsonObject out) {
    String type = String.valueOf(format.getString("type"));
    if ("json_object".equals(type)) {
      out.put("response_format", new JsonObject().put("type", "json_object"));
    } else if ("json_schema".equals(type)) {
      JsonObject cohere = new JsonObject().put("type", "json_object");
      if (format.getValue("json_schema") instanceof JsonObject jsonSchema && jsonSchema.getValue("schema") instanceof JsonObject schema) {
        cohere.put("json_schema", schema);
      }
      out.put("response_format", cohere);
    }
  }

  private static void copy(JsonObject from, String field, JsonObject to, String as) {
    Object value = from.getValue(field);
    if (value != null) {
      to.put(as, value);
    }
  }
}
