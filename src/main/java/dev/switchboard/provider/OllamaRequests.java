package dev.switchboard.provider;

import dev.switchboard.errors.GatewayError;
import dev.switchboard.model.Deployment;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * OpenAI requests as Ollama's native API takes them: {@code /api/chat} (messages, tools),
 * {@code /api/generate} (one prompt and a system text) and {@code /api/embed}. Sampling settings go
 * in {@code options} (max_tokens as num_predict), response_format in {@code format}.
 */
final class OllamaRequests {

  /** OpenAI fields carried over (or consumed: user and parallel_tool_calls mean nothing to Ollama). */
  private static final Set<String> TRANSLATED = Set.of(
      "model", "messages", "max_tokens", "max_completion_tokens", "temperature", "top_p", "stop", "stream",
      "stream_options", "tools", "tool_choice", "user", "parallel_tool_calls", "response_format", "seed",
      "presence_penalty", "frequency_penalty", "n");
  private static final Set<String> EMBED_TRANSLATED = Set.of("model", "input", "dimensions", "encoding_format", "user");

  private OllamaRequests() {
  }

  /** {@code /api/chat}: the conversation as it is, tool calls with their arguments as objects. */
  static JsonObject chat(Deployment deployment, JsonObject openAi, boolean stream) {
    OpenAiBodies.refuseUntranslated(deployment, openAi, TRANSLATED);
    JsonArray messages = new JsonArray();
    Map<String, String> toolNames = new HashMap<>();
    JsonArray given = openAi.getJsonArray("messages");
    for (int i = 0; i < given.size(); i++) {
      JsonObject message = given.getJsonObject(i);
      String role = String.valueOf(message.getString("role"));
      JsonObject out = new JsonObject();
      switch (role) {
        case "system", "developer" -> out.put("role", "system").put("content", ContentText.of(message.getValue("content")));
        case "user" -> {
          out.put("role", "user").put("content", ContentText.of(message.getValue("content")));
          JsonArray images = images(message.getValue("content"), i);
          if (!images.isEmpty()) {
            out.put("images", images);
          }
        }
        case "assistant" -> assistant(message, out, toolNames);
        case "tool" -> {
          out.put("role", "tool").put("content", ContentText.of(message.getValue("content")));
          String name = toolNames.getOrDefault(message.getString("tool_call_id"), message.getString("name"));
          if (name != null) {
            out.put("tool_name", name);
          }
        }
        default -> throw GatewayError.badRequest("messages[" + i + "].role",
            "messages[" + i + "].role '" + role + "' is not one of system, developer, user, assistant, tool.");
      }
      messages.add(out);
    }
    JsonObject body = new JsonObject().put("model", deployment.upstreamModel()).put("messages", messages)
        .put("stream", stream);
    // Ollama has no tool_choice: "none" is honoured by offering no tools, any other choice is the model's.
    if (openAi.getValue("tools") instanceof JsonArray tools && !tools.isEmpty()
        && !"none".equals(openAi.getValue("tool_choice"))) {
      body.put("tools", tools.copy());
    }
    return settings(openAi, body);
  }

  /**
   * {@code /api/generate}: system messages become {@code system}; one user message is the prompt as
   * it is, a longer conversation is written out turn by turn. Tools need {@code ollama_chat/}.
   */
  static JsonObject generate(Deployment deployment, JsonObject openAi, boolean stream) {
    OpenAiBodies.refuseUntranslated(deployment, openAi, TRANSLATED);
    if (openAi.getValue("tools") instanceof JsonArray tools && !tools.isEmpty()) {
      throw GatewayError.badRequest("tools", "Tools are not supported by " + deployment.describe() + ", which uses "
          + "Ollama's /api/generate. Configure the model as ollama_chat/" + deployment.upstreamModel() + " to use tools.");
    }
    StringBuilder system = new StringBuilder();
    StringBuilder prompt = new StringBuilder();
    JsonArray images = new JsonArray();
    JsonArray given = openAi.getJsonArray("messages");
    int turns = 0;
    for (int i = 0; i < given.size(); i++) {
      String role = String.valueOf(given.getJsonObject(i).getString("role"));
      turns += "system".equals(role) || "developer".equals(role) ? 0 : 1;
    }
    for (int i = 0; i < given.size(); i++) {
      JsonObject message = given.getJsonObject(i);
      String role = String.valueOf(message.getString("role"));
      String text = ContentText.of(message.getValue("content"));
      switch (role) {
        case "system", "developer" -> system.append(system.isEmpty() ? "" : "\n\n").append(text);
        case "user", "assistant" -> {
          if (turns == 1) {
            prompt.append(text);
          } else {
            prompt.append("user".equals(role) ? "### User:\n" : "### Assistant:\n").append(text).append("\n\n");
          }
          if ("user".equals(role)) {
            images.addAll(images(message.getValue("content"), i));
          }
        }
        default -> throw GatewayError.badRequest("messages[" + i + "].role", "messages[" + i + "].role '" + role
            + "' cannot be sent to " + deployment.describe() + " (Ollama's /api/generate); use ollama_chat/.");
      }
    }
    if (turns > 1) {
      prompt.append("### Assistant:\n");
    }
    JsonObject body = new JsonObject().put("model", deployment.upstreamModel()).put("prompt", prompt.toString())
        .put("stream", stream);
    if (!system.isEmpty()) {
      body.put("system", system.toString());
    }
    if (!images.isEmpty()) {
      body.put("images", images);
    }
    return settings(openAi, body);
  }

  /** {@code /api/embed}: every input in one call. */
  static JsonObject embed(Deployment deployment, JsonObject openAi) {
    OpenAiBodies.refuseUntranslated(deployment, openAi, EMBED_TRANSLATED);
    Object input = openAi.getValue("input");
    JsonArray texts = input instanceof JsonArray list ? list : new JsonArray().add(input);
    for (int i = 0; i < texts.size(); i++) {
      if (!(texts.getValue(i) instanceof String)) {
        throw GatewayError.badRequest("input", "Ollama embeds text only: 'input' must be a string or a list of "
            + "strings, not token ids.");
      }
    }
    JsonObject body = new JsonObject().put("model", deployment.upstreamModel()).put("input", texts.copy());
    if (openAi.getValue("dimensions") instanceof Number dimensions) {
      body.put("dimensions", dimensions.intValue());
    }
    return body;
  }

  private static void assistant(JsonObject message, JsonObject out, Map<String, String> toolNames) {
    out.put("role", "assistant").put("content", ContentText.of(message.getValue("content")));
    if (message.getValue("tool_calls") instanceof JsonArray calls && !calls.isEmpty()) {
      JsonArray toolCalls = new JsonArray();
      for (int i = 0; i < calls.size(); i++) {
        JsonObject call = calls.getJsonObject(i);
        JsonObject function = call.getJsonObject("function", new JsonObject());
        if (call.getString("id") != null) {
          toolNames.put(call.getString("id"), function.getString("name"));
        }
        toolCalls.add(new JsonObject().put("function", new JsonObject().put("name", function.getString("name"))
            .put("arguments", arguments(function.getValue("arguments")))));
      }
      out.put("tool_calls", toolCalls);
    }
  }

  /** Ollama takes a call's arguments as a JSON object, OpenAI gives them as a JSON string. */
  private static JsonObject arguments(Object arguments) {
    if (arguments instanceof JsonObject object) {
      return object;
    }
    if (arguments instanceof String text && !text.isBlank()) {
      JsonObject parsed = Json.objectOrNull(text);
      if (parsed == null) {
        throw GatewayError.badRequest("messages", "A tool call's arguments are not a JSON object: Ollama needs one.");
      }
      return parsed;
    }
    return new JsonObject();
  }

  /** Images as Ollama takes them: bare base64, so only data: URLs (Ollama fetches no links). */
  private static JsonArray images(Object content, int index) {
    JsonArray images = new JsonArray();
    if (!(content instanceof JsonArray parts)) {
      return images;
    }
    for (int i = 0; i < parts.size(); i++) {
      JsonObject part = parts.getJsonObject(i);
      if (!"image_url".equals(part.getString("type"))) {
        continue;
      }
      Object imageUrl = part.getValue("image_url");
      String url = imageUrl instanceof JsonObject object ? object.getString("url") : imageUrl instanceof String s ? s : null;
      int base64 = url == null ? -1 : url.indexOf(";base64,");
      if (url == null || !url.startsWith("data:") || base64 < 0) {
        throw GatewayError.badRequest("messages[" + index + "].content[" + i + "].image_url", "Ollama models take "
            + "images inline only: send the image as a data:<mime type>;base64,<data> URL instead of a link.");
      }
      images.add(url.substring(base64 + 8));
    }
    return images;
  }

  /** Sampling settings into {@code options}, response_format into {@code format}. */
  private static JsonObject settings(JsonObject openAi, JsonObject body) {
    JsonObject options = new JsonObject();
    copy(openAi, "temperature", options, "temperature");
    copy(openAi, "top_p", options, "top_p");
    copy(openAi, "seed", options, "seed");
    copy(openAi, "presence_penalty", options, "presence_penalty");
    copy(openAi, "frequency_penalty", options, "frequency_penalty");
    Object max = openAi.getValue("max_completion_tokens") != null ? openAi.getValue("max_completion_tokens")
        : openAi.getValue("max_tokens");
    if (max instanceof Number n) {
      options.put("num_predict", n.intValue());
    }
    Object stop = openAi.getValue("stop");
    if (stop instanceof String one) {
      options.put("stop", new JsonArray().add(one));
    } else if (stop instanceof JsonArray many && !many.isEmpty()) {
      options.put("stop", many.copy());
    }
    if (!options.isEmpty()) {
      body.put("options", options);
    }
    if (openAi.getValue("response_format") instanceof JsonObject format) {
      String type = String.valueOf(format.getString("type"));
      if ("json_schema".equals(type) && format.getValue("json_schema") instanceof JsonObject jsonSchema
          && jsonSchema.getValue("schema") instanceof JsonObject schema) {
        body.put("format", schema.copy());
      } else if ("json_object".equals(type) || "json_schema".equals(type)) {
        body.put("format", "json");
      }
    }
    return body;
  }

  private static void copy(JsonObject from, String field, JsonObject to, String as) {
    Object value = from.getValue(field);
    if (value != null) {
      to.put(as, value);
    }
  }
}
