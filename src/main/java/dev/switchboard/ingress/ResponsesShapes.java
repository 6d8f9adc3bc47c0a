package dev.switchboard.ingress;

import dev.switchboard.errors.GatewayError;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Set;

/**
 * Checks a Responses API body's shape before anything is asked of a provider: a 400 naming the
 * first field that is wrong, as OpenAI names it ({@code input[2].call_id}). Item and tool types the
 * gateway does not know pass (OpenAI may take them); a provider that cannot is refused when the
 * request is translated for it.
 */
final class ResponsesShapes {

  private static final Set<String> ROLES = Set.of("user", "assistant", "system", "developer");
  private static final Set<String> TOOL_CHOICES = Set.of("auto", "none", "required");

  private ResponsesShapes() {
  }

  static void check(JsonObject body) {
    Object input = body.getValue("input");
    if (input == null && body.getValue("previous_response_id") == null) {
      throw GatewayError.badRequest("input", "Missing required field 'input': a string, or a list of input items "
          + "(messages, function_call, function_call_output).");
    }
    if (input != null && !(input instanceof String) && !(input instanceof JsonArray)) {
      throw GatewayError.badRequest("input", "'input' must be a string or a list of input items.");
    }
    if (input instanceof JsonArray items) {
      for (int i = 0; i < items.size(); i++) {
        item(items.getValue(i), "input[" + i + "]");
      }
    }
    optional(body, "instructions", String.class, "a string");
    optional(body, "previous_response_id", String.class, "a string");
    if (body.getValue("max_output_tokens") != null
        && !(body.getValue("max_output_tokens") instanceof Number max && max.longValue() >= 1)) {
      throw GatewayError.badRequest("max_output_tokens", "'max_output_tokens' must be a whole number of at least 1.");
    }
    tools(body.getValue("tools"));
    toolChoice(body.getValue("tool_choice"));
    text(body.getValue("text"));
    if (optional(body, "reasoning", JsonObject.class, "an object such as {\"effort\": \"low\"}") instanceof JsonObject reasoning) {
      optional(reasoning, "effort", String.class, "a string: minimal, low, medium or high", "reasoning.effort");
    }
  }

  private static void item(Object value, String where) {
    if (!(value instanceof JsonObject item)) {
      throw GatewayError.badRequest(where, where + " must be an object: a message, function_call or function_call_output.");
    }
    Object type = item.getValue("type");
    if (type != null && !(type instanceof String)) {
      throw GatewayError.badRequest(where + ".type", where + ".type must be a string.");
    }
    switch (type == null ? "message" : (String) type) {
      case "message" -> message(item, where);
      case "function_call" -> {
        text(item, "call_id", where);
        text(item, "name", where);
        text(item, "arguments", where);
      }
      case "function_call_output" -> {
        text(item, "call_id", where);
        Object output = item.getValue("output");
        if (!(output instanceof String) && !(output instanceof JsonArray)) {
          throw GatewayError.badRequest(where + ".output", where + ".output must be a string (or a list of content parts).");
        }
      }
      default -> { }
    }
  }

  private static void message(JsonObject item, String where) {
    if (!(item.getValue("role") instanceof String role) || !ROLES.contains(role)) {
      throw GatewayError.badRequest(where + ".role", where + ".role must be one of user, assistant, system, developer.");
    }
    Object content = item.getValue("content");
    if (content instanceof String) {
      return;
    }
    if (!(content instanceof JsonArray parts)) {
      throw GatewayError.badRequest(where + ".content", where + ".content must be a string or a list of content parts.");
    }
    for (int i = 0; i < parts.size(); i++) {
      String at = where + ".content[" + i + "]";
      if (!(parts.getValue(i) instanceof JsonObject part) || !(part.getValue("type") instanceof String type)) {
        throw GatewayError.badRequest(at, at + " must be an object with a 'type' such as input_text or input_image.");
      }
      if ((type.equals("input_text") || type.equals("output_text")) && !(part.getValue("text") instanceof String)) {
        throw GatewayError.badRequest(at + ".text", at + ".text must be a string.");
      }
    }
  }

  private static void tools(Object value) {
    if (value == null) {
      return;
    }
    if (!(value instanceof JsonArray tools)) {
      throw GatewayError.badRequest("tools", "'tools' must be a list of tools such as {type: function, name, parameters}.");
    }
    for (int i = 0; i < tools.size(); i++) {
      String at = "tools[" + i + "]";
      if (!(tools.getValue(i) instanceof JsonObject tool) || !(tool.getValue("type") instanceof String type)) {
        throw GatewayError.badRequest(at, at + " must be an object with a 'type'.");
      }
      if (type.equals("function")) {
        if (!(tool.getValue("name") instanceof String name) || name.isBlank()) {
          throw GatewayError.badRequest(at + ".name", at + ".name must be the function's name (the Responses API's "
              + "tools are flat: {type: function, name, parameters}).");
        }
        optional(tool, "parameters", JsonObject.class, "a JSON schema object", at + ".parameters");
      }
    }
  }

  private static void toolChoice(Object choice) {
    if (choice == null || choice instanceof String text && TOOL_CHOICES.contains(text)) {
      return;
    }
    if (!(choice instanceof JsonObject named) || !(named.getValue("type") instanceof String)) {
      throw GatewayError.badRequest("tool_choice", "'tool_choice' must be auto, none, required, or {type: function, name}.");
    }
    if ("function".equals(named.getString("type")) && !(named.getValue("name") instanceof String)) {
      throw GatewayError.badRequest("tool_choice.name", "tool_choice.name must name the function to call.");
    }
  }

  private static void text(Object value) {
    if (value == null) {
      return;
    }
    if (!(value instanceof JsonObject text)) {
      throw GatewayError.badRequest("text", "'text' must be an object such as {format: {type: json_schema, ...}}.");
    }
    Object format = text.getValue("format");
    if (format == null) {
      return;
    }
    if (!(format instanceof JsonObject object) || !(object.getValue("type") instanceof String type)) {
      throw GatewayError.badRequest("text.format", "text.format must be an object with a 'type': text, json_object or json_schema.");
    }
    if (type.equals("json_schema")) {
      if (!(object.getValue("name") instanceof String)) {
        throw GatewayError.badRequest("text.format.name", "text.format.name is required for a json_schema format.");
      }
      if (!(object.getValue("schema") instanceof JsonObject)) {
        throw GatewayError.badRequest("text.format.schema", "text.format.schema must be a JSON schema object.");
      }
    }
  }

  private static void text(JsonObject item, String field, String where) {
    if (!(item.getValue(field) instanceof String)) {
      throw GatewayError.badRequest(where + "." + field, where + "." + field + " must be a string.");
    }
  }

  private static Object optional(JsonObject json, String field, Class<?> type, String shape) {
    return optional(json, field, type, shape, field);
  }

  private static Object optional(JsonObject json, String field, Class<?> type, String shape, String path) {
    Object value = json.getValue(field);
    if (value != null && !type.isInstance(value)) {
      throw GatewayError.badRequest(path, "'" + path + "' must be " + shape + ".");
    }
    return value;
  }
}
