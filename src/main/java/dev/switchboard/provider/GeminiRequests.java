package dev.switchboard.provider;

import dev.switchboard.errors.GatewayError;
import dev.switchboard.model.Deployment;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * An OpenAI chat request as Gemini's generateContent takes it: system messages lifted into
 * systemInstruction, turns as {@code contents} of role user/model, tool calls and results as
 * functionCall/functionResponse parts, sampling settings in generationConfig.
 */
final class GeminiRequests {

  /** OpenAI fields this translation carries over (or consumes: user and parallel_tool_calls mean nothing to Gemini). */
  private static final Set<String> TRANSLATED = Set.of(
      "model", "messages", "max_tokens", "max_completion_tokens", "temperature", "top_p", "stop", "stream",
      "stream_options", "tools", "tool_choice", "user", "parallel_tool_calls", "response_format", "seed",
      "presence_penalty", "frequency_penalty", "n", "reasoning_effort");

  private GeminiRequests() {
  }

  static JsonObject generateContent(Deployment deployment, JsonObject openAi) {
    OpenAiBodies.refuseUntranslated(deployment, openAi, TRANSLATED);
    JsonObject out = new JsonObject();
    StringBuilder system = new StringBuilder();
    JsonArray contents = new JsonArray();
    Map<String, String> toolNames = new HashMap<>();
    JsonArray messages = openAi.getJsonArray("messages");
    for (int i = 0; i < messages.size(); i++) {
      JsonObject message = messages.getJsonObject(i);
      String role = message.getString("role");
      switch (String.valueOf(role)) {
        case "system", "developer" -> {
          if (!system.isEmpty()) {
            system.append("\n\n");
          }
          system.append(ContentText.of(message.getValue("content")));
        }
        case "user" -> append(contents, "user", userParts(message.getValue("content"), i));
        case "assistant" -> append(contents, "model", modelParts(message, toolNames));
        case "tool" -> append(contents, "user", new JsonArray().add(functionResponse(message, toolNames, i)));
        default -> throw GatewayError.badRequest("messages[" + i + "].role",
            "messages[" + i + "].role '" + role + "' is not one of system, developer, user, assistant, tool.");
      }
    }
    out.put("contents", contents);
    if (!system.isEmpty()) {
      out.put("systemInstruction", new JsonObject().put("parts", new JsonArray().add(text(system.toString()))));
    }
    JsonObject config = generationConfig(openAi);
    if (!config.isEmpty()) {
      out.put("generationConfig", config);
    }
    if (openAi.getValue("tools") instanceof JsonArray tools && !tools.isEmpty()) {
      out.put("tools", new JsonArray().add(new JsonObject().put("functionDeclarations", declarations(tools))));
      Object choice = openAi.getValue("tool_choice");
      if (choice != null) {
        out.put("toolConfig", new JsonObject().put("functionCallingConfig", functionCalling(choice)));
      }
    }
    return out;
  }

  private static JsonObject generationConfig(JsonObject openAi) {
    JsonObject config = new JsonObject();
    copy(openAi, "temperature", config, "temperature");
    copy(openAi, "top_p", config, "topP");
    copy(openAi, "seed", config, "seed");
    copy(openAi, "presence_penalty", config, "presencePenalty");
    copy(openAi, "frequency_penalty", config, "frequencyPenalty");
    Object max = openAi.getValue("max_completion_tokens") != null ? openAi.getValue("max_completion_tokens")
        : openAi.getValue("max_tokens");
    if (max instanceof Number n) {
      config.put("maxOutputTokens", n.intValue());
    }
    Object stop = openAi.getValue("stop");
    if (stop instanceof String one) {
      config.put("stopSequences", new JsonArray().add(one));
    } else if (stop instanceof JsonArray many && !many.isEmpty()) {
      config.put("stopSequences", many.copy());
    }
    if (openAi.getValue("reasoning_effort") instanceof String effort) {
      config.put("thinkingConfig", thinking(effort));
    }
    if (openAi.getValue("response_format") instanceof JsonObject format) {
      String type = String.valueOf(format.getString("type"));
      if ("json_object".equals(type) || "json_schema".equals(type)) {
        config.put("responseMimeType", "application/json");
      }
      if ("json_schema".equals(type) && format.getValue("json_schema") instanceof JsonObject jsonSchema
          && jsonSchema.getValue("schema") instanceof JsonObject schema) {
        config.put("responseSchema", GeminiSchemas.clean(schema));
      }
    }
    return config;
  }

  /** LiteLLM's budgets for OpenAI's effort levels; "none" turns thinking off where the model allows it. */
  private static JsonObject thinking(String effort) {
    int budget = switch (effort) {
      case "none", "disable", "minimal" -> 0;
      case "low" -> 1024;
      case "high" -> 4096;
      default -> 2048;
    };
    return budget == 0 ? new JsonObject().put("thinkingBudget", 0)
        : new JsonObject().put("thinkingBudget", budget).put("includeThoughts", true);
  }

  /** Gemini wants alternating turns: consecutive messages of one role (parallel tool results) become one. */
  private static void append(JsonArray contents, String role, JsonArray parts) {
    if (parts.isEmpty()) {
      return;
    }
    JsonObject last = contents.isEmpty() ? null : contents.getJsonObject(contents.size() - 1);
    if (last != null && role.equals(last.getString("role"))) {
      last.getJsonArray("parts").addAll(parts);
    } else {
      contents.add(new JsonObject().put("role", role).put("parts", parts));
    }
  }

  private static JsonArray userParts(Object content, int index) {
    JsonArray parts = new JsonArray();
    if (content instanceof String text) {
      return parts.add(text(text));
    }
    if (!(content instanceof JsonArray list)) {
      throw GatewayError.badRequest("messages[" + index + "].content",
          "messages[" + index + "].content must be a string or a list of content parts.");
    }
    for (int i = 0; i < list.size(); i++) {
      JsonObject part = list.getJsonObject(i);
      switch (String.valueOf(part.getString("type"))) {
        case "text" -> parts.add(text(part.getString("text")));
        case "image_url" -> parts.add(inlineImage(part.getValue("image_url"), index, i));
        default -> throw GatewayError.badRequest("messages[" + index + "].content[" + i + "].type",
            "Content part type '" + part.getString("type") + "' is not supported for Gemini models; use text or image_url.");
      }
    }
    return parts;
  }

  /**
   * A data: URL becomes inlineData. Gemini does not fetch arbitrary URLs (fileData takes only its
   * own Files API URIs), so any other URL is refused rather than sent to fail upstream.
   */
  private static JsonObject inlineImage(Object imageUrl, int message, int part) {
    String url = imageUrl instanceof JsonObject object ? object.getString("url") : imageUrl instanceof String s ? s : null;
    String where = "messages[" + message + "].content[" + part + "].image_url";
    if (url == null) {
      throw GatewayError.badRequest(where, "image_url must carry a url.");
    }
    int base64 = url.indexOf(";base64,");
    if (!url.startsWith("data:") || base64 < 0) {
      throw GatewayError.badRequest(where, "Gemini models take images inline only: send the image as a "
          + "data:<mime type>;base64,<data> URL instead of a link.");
    }
    return new JsonObject().put("inlineData", new JsonObject().put("mimeType", url.substring(5, base64))
        .put("data", url.substring(base64 + 8)));
  }

  private static JsonArray modelParts(JsonObject message, Map<String, String> toolNames) {
    JsonArray parts = new JsonArray();
    String text = ContentText.of(message.getValue("content"));
    if (!text.isEmpty()) {
      parts.add(text(text));
    }
    if (message.getValue("tool_calls") instanceof JsonArray calls) {
      for (int i = 0; i < calls.size(); i++) {
        JsonObject call = calls.getJsonObject(i);
        JsonObject function = call.getJsonObject("function", new JsonObject());
        String name = function.getString("name");
        if (call.getString("id") != null) {
          toolNames.put(call.getString("id"), name);
        }
        parts.add(new JsonObject().put("functionCall", new JsonObject().put("name", name)
            .put("args", arguments(function.getValue("arguments")))));
      }
    }
    return parts;
  }

  /** Gemini names the function a result belongs to; OpenAI only gives the call's id, so look it up. */
  private static JsonObject functionResponse(JsonObject message, Map<String, String> toolNames, int index) {
    String name = toolNames.get(message.getString("tool_call_id"));
    if (name == null) {
      name = message.getString("name");
    }
    if (name == null) {
      throw GatewayError.badRequest("messages[" + index + "].tool_call_id", "messages[" + index
          + "] answers tool call '" + message.getString("tool_call_id") + "', which no earlier assistant message made.");
    }
    String result = ContentText.of(message.getValue("content"));
    JsonObject parsed = Json.objectOrNull(result);
    JsonObject response = parsed != null ? parsed : new JsonObject().put("content", result);
    return new JsonObject().put("functionResponse", new JsonObject().put("name", name).put("response", response));
  }

  private static JsonObject arguments(Object arguments) {
    if (arguments instanceof JsonObject object) {
      return object;
    }
    if (arguments instanceof String text && !text.isBlank()) {
      JsonObject parsed = Json.objectOrNull(text);
      if (parsed == null) {
        throw GatewayError.badRequest("messages", "A tool call's arguments are not a JSON object: Gemini needs one.");
      }
      return parsed;
    }
    return new JsonObject();
  }

  private static JsonArray declarations(JsonArray openAiTools) {
    JsonArray out = new JsonArray();
    for (int i = 0; i < openAiTools.size(); i++) {
      JsonObject function = openAiTools.getJsonObject(i).getJsonObject("function");
      if (function == null) {
        throw GatewayError.badRequest("tools[" + i + "]", "tools[" + i + "] must be {type: function, function: {...}}.");
      }
      JsonObject declaration = new JsonObject().put("name", function.getString("name"));
      if (function.getString("description") != null) {
        declaration.put("description", function.getString("description"));
      }
      if (function.getValue("parameters") instanceof JsonObject parameters) {
        declaration.put("parameters", GeminiSchemas.clean(parameters));
      }
      out.add(declaration);
    }
    return out;
  }

  private static JsonObject functionCalling(Object choice) {
    if (choice instanceof JsonObject named && named.getJsonObject("function") != null) {
      return new JsonObject().put("mode", "ANY")
          .put("allowedFunctionNames", new JsonArray().add(named.getJsonObject("function").getString("name")));
    }
    return new JsonObject().put("mode", switch (String.valueOf(choice)) {
      case "required" -> "ANY";
      case "none" -> "NONE";
      default -> "AUTO";
    });
  }

  private static JsonObject text(String text) {
    return new JsonObject().put("text", text == null ? "" : text);
  }

  private static void copy(JsonObject from, String field, JsonObject to, String as) {
    Object value = from.getValue(field);
    if (value != null) {
      to.put(as, value);
    }
  }
}
