package dev.switchboard.ingress;

import dev.switchboard.errors.GatewayError;
import dev.switchboard.model.Operation;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * The shapes inside a chat or Messages request that the provider adapters rely on: message
 * contents, their parts or blocks, and tool definitions. Checked at validation, before any
 * routing, so a malformed request is the caller's 400 naming the field, never a failure of the
 * deployment it would have gone to.
 */
final class ContentShapes {

  private ContentShapes() {
  }

  /** @throws GatewayError 400 naming the first malformed field */
  static void check(Operation operation, JsonObject body) {
    boolean anthropic = operation == Operation.MESSAGES;
    JsonArray messages = body.getJsonArray("messages");
    for (int i = 0; i < messages.size(); i++) {
      content(messages.getJsonObject(i).getValue("content"), "messages[" + i + "].content", anthropic);
    }
    if (anthropic && body.getValue("system") instanceof JsonArray system) {
      blocks(system, "system");
    }
    Object tools = body.getValue("tools");
    if (tools == null) {
      return;
    }
    if (!(tools instanceof JsonArray list)) {
      throw GatewayError.badRequest("tools", "'tools' must be a list of tool definition objects.");
    }
    for (int i = 0; i < list.size(); i++) {
      String path = "tools[" + i + "]";
      JsonObject tool = object(list.getValue(i), path, anthropic
          ? "a tool definition object such as {\"name\": \"get_weather\", \"input_schema\": {...}}"
          : "a tool definition object such as {\"type\": \"function\", \"function\": {\"name\": \"get_weather\"}}");
      if (anthropic) {
        string(tool, "name", path, true);
        string(tool, "description", path, false);
        optionalObject(tool, "input_schema", path);
      } else {
        optionalObject(tool, "function", path);
      }
    }
  }

  /** A string, or a list of part objects; OpenAI also allows none (an assistant turn with tool calls). */
  private static void content(Object content, String path, boolean anthropic) {
    if (content instanceof String || (content == null && !anthropic)) {
      return;
    }
    if (!(content instanceof JsonArray parts)) {
      throw GatewayError.badRequest(path, path + " must be a string or a list of content " + (anthropic ? "blocks" : "parts")
          + (content == null ? "; it is missing." : ", not " + kind(content) + "."));
    }
    if (anthropic) {
      blocks(parts, path);
      return;
    }
    for (int k = 0; k < parts.size(); k++) {
      String part = path + "[" + k + "]";
      string(object(parts.getValue(k), part, "a content part object such as {\"type\": \"text\", \"text\": \"Hi\"}"),
          "type", part, true);
    }
  }

  /** Anthropic content blocks: objects with a string {@code type}, and the fields the bridge reads of the kinds it reads. */
  private static void blocks(JsonArray blocks, String path) {
    for (int k = 0; k < blocks.size(); k++) {
      String at = path + "[" + k + "]";
      JsonObject block = object(blocks.getValue(k), at, "a content block object such as {\"type\": \"text\", \"text\": \"Hi\"}");
      switch (string(block, "type", at, true)) {
        case "text" -> string(block, "text", at, false);
        case "tool_use" -> {
          string(block, "id", at, false);
          string(block, "name", at, false);
          optionalObject(block, "input", at);
        }
        case "tool_result" -> {
          string(block, "tool_use_id", at, false);
          Object result = block.getValue("content");
          if (result instanceof JsonArray nested) {
            blocks(nested, at + ".content");
          } else if (result != null && !(result instanceof String)) {
            throw GatewayError.badRequest(at + ".content", at + ".content must be a string or a list of content blocks.");
          }
        }
        case "image" -> optionalObject(block, "source", at);
        default -> { }
      }
    }
  }

  private static JsonObject object(Object value, String path, String shape) {
    if (value instanceof JsonObject object) {
      return object;
    }
    throw GatewayError.badRequest(path, path + " must be " + shape + ", not " + kind(value) + ".");
  }

  private static void optionalObject(JsonObject parent, String field, String path) {
    Object value = parent.getValue(field);
    if (value != null && !(value instanceof JsonObject)) {
      throw GatewayError.badRequest(path + "." + field, path + "." + field + " must be an object, not " + kind(value) + ".");
    }
  }

  private static String string(JsonObject parent, String field, String path, boolean required) {
    Object value = parent.getValue(field);
    if (value instanceof String text) {
      return text;
    }
    if (value == null && !required) {
      return null;
    }
    throw GatewayError.badRequest(path + "." + field, path + "." + field + " must be a string"
        + (value == null ? "; it is missing." : ", not " + kind(value) + "."));
  }

  private static String kind(Object value) {
    if (value == null) {
      return "null";
    }
    if (value instanceof JsonArray) {
      return "a list";
    }
    if (value instanceof JsonObject) {
      return "an object";
    }
    return value instanceof Number ? "a number" : value instanceof Boolean ? "a boolean" : "a string";
  }
}
