package dev.switchboard.ingress;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import dev.switchboard.errors.GatewayError;
import dev.switchboard.model.CallBody;
import dev.switchboard.model.MediaCalls;
import dev.switchboard.model.Operation;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.regex.Pattern;

/** A parsed, validated body of a model call: chat, text completion, embeddings, Anthropic messages, or responses. */
public record ModelRequest(Operation operation, CallBody body, String model, boolean stream, boolean includeUsage) {

  /** Where Jackson says a nested token started: "[Source: REDACTED (...); line: 1, column: 1]". */
  /** OpenAI's default, used as LiteLLM does when a moderations request names no model. */
  static final String DEFAULT_MODERATION_MODEL = "omni-moderation-latest";

  private static final Pattern SOURCE = Pattern.compile("\\[Source: [^\\]]*?line: (\\d+), column: (\\d+)\\]");

  /** @throws GatewayError 400 naming the first problem found */
  public static ModelRequest parse(Operation operation, Buffer raw) {
    return parse(operation, raw, null, null);
  }

  /**
   * @param contentType the request's, for the operations whose body is a multipart form (audio uploads, image edits)
   * @param pathModel   the model an Azure-compatible path names, which wins over the body's, as in LiteLLM; or null
   */
  public static ModelRequest parse(Operation operation, Buffer raw, String contentType, String pathModel) {
    JsonObject body = MediaCalls.isMultipart(operation) ? MultipartForm.read(raw, contentType) : jsonObject(raw);
    if (pathModel != null) {
      body.put("model", pathModel);
    }
    String model = operation == Operation.MODERATION && body.getValue("model") == null ? DEFAULT_MODERATION_MODEL
        : model(body);
    switch (operation) {
      case CHAT -> {
        messages(body);
        ContentShapes.check(operation, body);
      }
      case MESSAGES -> {
        messages(body);
        ContentShapes.check(operation, body);
        if (!(body.getValue("max_tokens") instanceof Number max) || max.longValue() < 1) {
          throw GatewayError.badRequest("max_tokens", "'max_tokens' is required by the Messages API: a whole number of at least 1.");
        }
      }
      case COMPLETION -> required(body, "prompt", "a string or a list of strings");
      case EMBEDDING -> required(body, "input", "a string or a list of strings or token ids");
      case RESPONSES -> ResponsesShapes.check(body);
      case RERANK -> RerankShapes.check(body);
      case MODERATION -> required(body, "input", "a string, a list of strings, or a list of text and image inputs");
      case IMAGE_GENERATION -> text(body, "prompt", "the description of the image to generate");
      case SPEECH -> text(body, "input", "the text to speak");
      case TRANSCRIPTION, TRANSLATION -> {
        if (!MediaCalls.isFile(body.getValue("file"))) {
          throw GatewayError.badRequest("file", "Missing required 'file' part: the audio file to "
              + (operation == Operation.TRANSLATION ? "translate" : "transcribe") + ", sent as a file in the form.");
        }
      }
      case IMAGE_EDIT -> ImageEditForm.check(body);
    }
    if (operation == Operation.RERANK || operation == Operation.MODERATION) {
      return new ModelRequest(operation, new CallBody(body, false), model, false, false);
    }
    if (MediaCalls.is(operation)) {
      return new ModelRequest(operation, new CallBody(body, false, MediaCalls.unitsAsked(operation, body),
          MediaCalls.variant(operation, body)), model, false, false);
    }
    if (operation == Operation.EMBEDDING) {
      return new ModelRequest(operation, new CallBody(body), model, false, false);
    }
    boolean stream = flag(body, "stream", "stream");
    boolean includeUsage = false;
    // Anthropic's API has no stream_options; the Responses API's carries no usage flag (its last event has the usage).
    Object options = operation == Operation.MESSAGES || operation == Operation.RESPONSES ? null : body.getValue("stream_options");
    if (options != null) {
      if (!(options instanceof JsonObject streamOptions)) {
        throw GatewayError.badRequest("stream_options", "'stream_options' must be an object.");
      }
      includeUsage = flag(streamOptions, "include_usage", "stream_options.include_usage");
    }
    return new ModelRequest(operation, new CallBody(body, true), model, stream, includeUsage);
  }

  private static void messages(JsonObject body) {
    Object messages = body.getValue("messages");
    if (messages == null) {
      throw GatewayError.badRequest("messages", "Missing required field 'messages': a list of {role, content} objects.");
    }
    if (!(messages instanceof JsonArray list)) {
      throw GatewayError.badRequest("messages", "'messages' must be a list of {role, content} objects.");
    }
    if (list.isEmpty()) {
      throw GatewayError.badRequest("messages", "'messages' must contain at least one message.");
    }
    for (int i = 0; i < list.size(); i++) {
      if (!(list.getValue(i) instanceof JsonObject message)) {
        throw GatewayError.badRequest("messages[" + i + "]", "messages[" + i + "] must be an object with 'role' and 'content'.");
      }
      if (!(message.getValue("role") instanceof String)) {
        throw GatewayError.badRequest("messages[" + i + "].role", "messages[" + i + "].role must be a string such as 'user'.");
      }
    }
  }

  /** A prompt or input: a non-empty string or a non-empty list (of strings or token ids). */
  private static void required(JsonObject body, String field, String shape) {
    Object value = body.getValue(field);
    if (value == null) {
      throw GatewayError.badRequest(field, "Missing required field '" + field + "': " + shape + ".");
    }
    boolean empty = value instanceof String text ? text.isEmpty() : value instanceof JsonArray list && list.isEmpty();
    if (!(value instanceof String || value instanceof JsonArray) || empty) {
      throw GatewayError.badRequest(field, "'" + field + "' must be " + shape + ", not empty.");
    }
  }

  private static void text(JsonObject body, String field, String what) {
    if (!(body.getValue(field) instanceof String text) || text.isEmpty()) {
      throw GatewayError.badRequest(field, "'" + field + "' is required: a non-empty string, " + what + ".");
    }
  }

  static JsonObject jsonObject(Buffer raw) {
    if (raw == null || raw.length() == 0) {
      throw GatewayError.badRequest(null, "The request body is empty; send a JSON object with 'model' and 'messages'.");
    }
    if (!startsAnObject(raw)) {
      throw GatewayError.badRequest(null, "The request body must be a JSON object ({...}) with 'model' and 'messages'.");
    }
    try {
      return new JsonObject(raw);
    } catch (DecodeException | ClassCastException e) {
      throw GatewayError.badRequest(null, "The request body is not a valid JSON object: " + shortReason(e) + ".");
    }
  }

  static String model(JsonObject body) {
    Object model = body.getValue("model");
    if (model == null) {
      throw GatewayError.badRequest("model", "Missing required field 'model'; GET /v1/models lists the models you can use.");
    }
    if (!(model instanceof String name) || name.isBlank()) {
      throw GatewayError.badRequest("model", "'model' must be a non-empty string naming a model from GET /v1/models.");
    }
    return name;
  }

  private static boolean flag(JsonObject json, String field, String path) {
    Object value = json.getValue(field);
    if (value == null) {
      return false;
    }
    if (!(value instanceof Boolean bool)) {
      throw GatewayError.badRequest(path, "'" + path + "' must be true or false.");
    }
    return bool;
  }

  /** Whether the first character past any white space opens an object. */
  private static boolean startsAnObject(Buffer raw) {
    for (int i = 0; i < raw.length(); i++) {
      byte b = raw.getByte(i);
      if (b != ' ' && b != '\t' && b != '\r' && b != '\n') {
        return b == '{';
      }
    }
    return false;
  }

  /** Jackson's reason, without its internals (source locations, feature names, Java types), and where. */
  private static String shortReason(Exception e) {
    Throwable cause = e;
    while (cause != null && !(cause instanceof JsonProcessingException)) {
      cause = cause.getCause();
    }
    if (!(cause instanceof JsonProcessingException json)) {
      return "malformed JSON";
    }
    String reason = SOURCE.matcher(String.valueOf(json.getOriginalMessage())).replaceAll("line $1, column $2")
        .replace('\n', ' ').trim();
    reason = reason.length() > 200 ? reason.substring(0, 200) + "..." : reason;
    JsonLocation at = json.getLocation();
    return at == null || at.getLineNr() < 1 ? reason
        : reason + " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
  }
}
