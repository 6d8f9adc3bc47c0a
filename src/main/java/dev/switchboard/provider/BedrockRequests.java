package dev.switchboard.provider;

import dev.switchboard.errors.GatewayError;
import dev.switchboard.model.Deployment;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Set;

/**
 * An OpenAI chat request as Bedrock's Converse API takes it: system messages lifted into
 * {@code system}, turns as {@code messages} of role user/assistant with content blocks (text,
 * image, toolUse, toolResult), sampling settings in {@code inferenceConfig}, tools in
 * {@code toolConfig}. Converse wants alternating turns, so consecutive blocks of one role merge.
 */
final class BedrockRequests {

  /** OpenAI fields this translation carries over (or consumes: user and parallel_tool_calls mean nothing to Converse). */
  private static final Set<String> TRANSLATED = Set.of(
      "model", "messages", "max_tokens", "max_completion_tokens", "temperature", "top_p", "stop", "stream",
      "stream_options", "tools", "tool_choice", "user", "parallel_tool_calls", "n");
  private static final Set<String> IMAGE_FORMATS = Set.of("png", "jpeg", "gif", "webp");

  private BedrockRequests() {
  }

  static JsonObject converse(Deployment deployment, JsonObject openAi) {
    OpenAiBodies.refuseUntranslated(deployment, openAi, TRANSLATED);
    JsonArray system = new JsonArray();
    JsonArray messages = new JsonArray();
    JsonArray input = openAi.getJsonArray("messages");
    for (int i = 0; i < input.size(); i++) {
      JsonObject message = input.getJsonObject(i);
      String role = message.getString("role");
      switch (String.valueOf(role)) {
        case "system", "developer" -> {
          String text = ContentText.of(message.getValue("content"));
          if (!text.isBlank()) {
            system.add(new JsonObject().put("text", text));
          }
        }
        case "user" -> append(messages, "user", userBlocks(message.getValue("content"), i));
        case "assistant" -> append(messages, "assistant", assistantBlocks(message, i));
        case "tool" -> append(messages, "user", new JsonArray().add(toolResult(message)));
        default -> throw GatewayError.badRequest("messages[" + i + "].role",
            "messages[" + i + "].role '" + role + "' is not one of system, developer, user, assistant, tool.");
      }
    }
    JsonObject out = new JsonObject().put("messages", messages);
    if (!system.isEmpty()) {
      out.put("system", system);
    }
    JsonObject inference = inferenceConfig(openAi);
    if (!inference.isEmpty()) {
      out.put("inferenceConfig", inference);
    }
    if (openAi.getValue("tools") instanceof JsonArray tools && !tools.isEmpty()) {
      JsonObject toolConfig = new JsonObject().put("tools", toolSpecs(tools));
      JsonObject choice = toolChoice(openAi.getValue("tool_choice"));
      if (choice != null) {
        toolConfig.put("toolChoice", choice);
      }
      out.put("toolConfig", toolConfig);
    }
    return out;
  }

  private static JsonObject inferenceConfig(JsonObject openAi) {
    JsonObject config = new JsonObject();
    Object max = openAi.getValue("max_completion_tokens") != null ? openAi.getValue("max_completion_tokens")
        : openAi.getValue("max_tokens");
    if (max instanceof Number n) {
      config.put("maxTokens", n.intValue());
    }
    if (openAi.getValue("temperature") instanceof Number t) {
      config.put("temperature", t);
    }
    if (openAi.getValue("top_p") instanceof Number p) {
      config.put("topP", p);
    }
    Object stop = openAi.getValue("stop");
    if (stop instanceof String one) {
      config.put("stopSequences", new JsonArray().add(one));
    } else if (stop instanceof JsonArray many && !many.isEmpty()) {
      config.put("stopSequences", many.copy());
    }
    return config;
  }

  private static void append(JsonArray messages, String role, JsonArray blocks) {
    if (blocks.isEmpty()) {
      return;
    }
    JsonObject last = messages.isEmpty() ? null : messages.getJsonObject(messages.size() - 1);
    if (last != null && role.equals(last.getString("role"))) {
      last.getJsonArray("content").addAll(blocks);
    } else {
      messages.add(new JsonObject().put("role", role).put("content", blocks));
    }
  }

  private static JsonArray userBlocks(Object content, int index) {
    JsonArray blocks = new JsonArray();
    if (content instanceof String text) {
      return blocks.add(new JsonObject().put("text", text));
    }
    if (!(content instanceof JsonArray parts)) {
      throw GatewayError.badRequest("messages[" + index + "].content",
          "messages[" + index + "].content must be a string or a list of content parts.");
    }
    for (int i = 0; i < parts.size(); i++) {
      JsonObject part = parts.getJsonObject(i);
      switch (String.valueOf(part.getString("type"))) {
        case "text" -> blocks.add(new JsonObject().put("text", part.getString("text", "")));
        case "image_url" -> blocks.add(image(part.getValue("image_url"), index, i));
        default -> throw GatewayError.badRequest("messages[" + index + "].content[" + i + "].type",
            "Content part type '" + part.getString("type") + "' is not supported for Bedrock models; use text or image_url.");
      }
    }
    return blocks;
  }

  /** Converse takes image bytes inline (base64 in JSON) in png, jpeg, gif or webp; links are refused, not fetched. */
  private static JsonObject image(Object imageUrl, int message, int part) {
    String url = imageUrl instanceof JsonObject object ? object.getString("url") : imageUrl instanceof String s ? s : null;
    String where = "messages[" + message + "].content[" + part + "].image_url";
    int base64 = url == null ? -1 : url.indexOf(";base64,");
    if (url == null || !url.startsWith("data:image/") || base64 < 0) {
      throw GatewayError.badRequest(where, "Bedrock models take images inline only: send the image as a "
          + "data:image/<png|jpeg|gif|webp>;base64,<data> URL.");
    }
    String format = url.substring("data:image/".length(), base64);
    format = "jpg".equals(format) ? "jpeg" : format;
    if (!IMAGE_FORMATS.contains(format)) {
      throw GatewayError.badRequest(where, "Bedrock takes png, jpeg, gif or webp images, not image/" + format + ".");
    }
    return new JsonObject().put("image", new JsonObject().put("format", format)
        .put("source", new JsonObject().put("bytes", url.substring(base64 + 8))));
  }

  private static JsonArray assistantBlocks(JsonObject message, int index) {
    JsonArray blocks = new JsonArray();
    String text = ContentText.of(message.getValue("content"));
    if (!text.isBlank()) {
      blocks.add(new JsonObject().put("text", text)); // Converse refuses blank text blocks
    }
    if (message.getValue("tool_calls") instanceof JsonArray calls) {
      for (int i = 0; i < calls.size(); i++) {
        JsonObject call = calls.getJsonObject(i);
        JsonObject function = call.getJsonObject("function", new JsonObject());
        blocks.add(new JsonObject().put("toolUse", new JsonObject().put("toolUseId", call.getString("id"))
            .put("name", function.getString("name")).put("input", arguments(function.getValue("arguments"), index))));
      }
    }
    return blocks;
  }

  private static JsonObject toolResult(JsonObject message) {
    String result = ContentText.of(message.getValue("content"));
    JsonObject parsed = Json.objectOrNull(result);
    JsonObject content = parsed != null ? new JsonObject().put("json", parsed) : new JsonObject().put("text", result);
    return new JsonObject().put("toolResult", new JsonObject().put("toolUseId", message.getString("tool_call_id"))
        .put("content", new JsonArray().add(content)));
  }

  private static JsonObject arguments(Object arguments, int index) {
    if (arguments instanceof JsonObject object) {
      return object;
    }
    if (arguments instanceof String text && !text.isBlank()) {
      JsonObject parsed = Json.objectOrNull(text);
      if (parsed == null) {
        throw GatewayError.badRequest("messages[" + index + "].tool_calls",
            "A tool call's arguments are not a JSON object: Bedrock needs one.");
      }
      return parsed;
    }
    return new JsonObject();
  }

  private static JsonArray toolSpecs(JsonArray openAiTools) {
    JsonArray out = new JsonArray();
    for (int i = 0; i < openAiTools.size(); i++) {
      JsonObject function = openAiTools.getJsonObject(i).getJsonObject("function");
      if (function == null) {
        throw GatewayError.badRequest("tools[" + i + "]", "tools[" + i + "] must be {type: function, function: {...}}.");
      }
      JsonObject schema = function.getValue("parameters") instanceof JsonObject parameters ? parameters
          : new JsonObject().put("type", "object").put("properties", new JsonObject());
      JsonObject spec = new JsonObject().put("name", function.getString("name"));
      if (function.getString("description") != null) {
        spec.put("description", function.getString("description"));
      }
      out.add(new JsonObject().put("toolSpec", spec.put("inputSchema", new JsonObject().put("json", schema))));
    }
    return out;
  }

  /** auto → auto, required → any, a named function → tool; "none" has no Converse form, so the model chooses. */
  private static JsonObject toolChoice(Object choice) {
    if ("required".equals(choice)) {
      return new JsonObject().put("any", new JsonObject());
    }
    if ("auto".equals(choice)) {
      return new JsonObject().put("auto", new JsonObject());
    }
    if (choice instanceof JsonObject named && named.getValue("function") instanceof JsonObject function
        && function.getString("name") != null) {
      return new JsonObject().put("tool", new JsonObject().put("name", function.getString("name")));
    }
    return null;
  }
}
