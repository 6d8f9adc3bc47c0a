package dev.switchboard.relay;

import dev.switchboard.model.Operation;
import dev.switchboard.model.Usage;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * Assembles a stream, from the payloads its client receives, into the whole JSON answer the same
 * request would have got without {@code stream} (OpenAI chat or text completion, or Anthropic's
 * message), so the response cache stores one entry form for both. Bounded: it holds at most
 * {@code limit} characters (answer text, arguments, and the events it keeps); past that it drops
 * everything and answers null. One per stream, on the stream's event loop.
 */
public final class AnswerCollector {

  private final Operation operation;
  private final int limit;
  private long held;
  private boolean overflowed;
  /** OpenAI: the first chunk's id, created, model, system_fingerprint. Anthropic: message_start's message. */
  private JsonObject head;
  private JsonObject usage;
  private final TreeMap<Integer, Part> parts = new TreeMap<>();
  private String stopReason;
  private Object stopSequence;

  /** One choice (OpenAI) or one content block (Anthropic). */
  private static final class Part {
    JsonObject start;
    String role;
    String finishReason;
    final StringBuilder text = new StringBuilder();
    final StringBuilder extra = new StringBuilder();
    final TreeMap<Integer, JsonObject> calls = new TreeMap<>();
    final TreeMap<Integer, StringBuilder> arguments = new TreeMap<>();
  }

  public AnswerCollector(Operation operation, int limit) {
    this.operation = operation;
    this.limit = limit;
  }

  /** Whether this kind of stream can be assembled. */
  public static boolean assembles(Operation operation) {
    return operation == Operation.CHAT || operation == Operation.COMPLETION || operation == Operation.MESSAGES;
  }

  public boolean overflowed() {
    return overflowed;
  }

  /** Characters held now (0 once overflowed). */
  public long held() {
    return held;
  }

  /** One payload as the client receives it (a chunk, an Anthropic event, or {@code [DONE]}). */
  public void add(String payload) {
    if (overflowed || payload.isEmpty() || payload.charAt(0) != '{') {
      return;
    }
    JsonObject event;
    try {
      event = new JsonObject(payload);
    } catch (RuntimeException notJson) {
      return;
    }
    if (operation == Operation.MESSAGES) {
      anthropic(event, payload.length());
    } else {
      openAi(event, payload.length());
    }
    if (held > limit) {
      overflowed = true;
      held = 0;
      head = null;
      usage = null;
      parts.clear();
    }
  }

  private void openAi(JsonObject chunk, int size) {
    if (head == null) {
      head = new JsonObject().put("id", chunk.getValue("id")).put("created", chunk.getValue("created"))
          .put("model", chunk.getValue("model"));
      if (chunk.getValue("system_fingerprint") != null) {
        head.put("system_fingerprint", chunk.getValue("system_fingerprint"));
      }
      held += size;
    }
    if (chunk.getValue("usage") instanceof JsonObject reported) {
      usage = reported;
      held += reported.encode().length();
    }
    JsonArray choices = chunk.getJsonArray("choices");
    for (int i = 0; choices != null && i < choices.size(); i++) {
      JsonObject choice = choices.getJsonObject(i);
      Part part = parts.computeIfAbsent(choice.getInteger("index", 0), k -> new Part());
      if (choice.getValue("finish_reason") instanceof String finish) {
        part.finishReason = finish;
      }
      if (operation == Operation.COMPLETION) {
        append(part.text, choice.getValue("text"));
        continue;
      }
      JsonObject delta = choice.getJsonObject("delta");
      if (delta == null) {
        continue;
      }
      if (delta.getValue("role") instanceof String role) {
        part.role = role;
      }
      append(part.text, delta.getValue("content"));
      append(part.extra, delta.getValue("reasoning_content"));
      JsonArray calls = delta.getJsonArray("tool_calls");
      for (int c = 0; calls != null && c < calls.size(); c++) {
        JsonObject call = calls.getJsonObject(c);
        int index = call.getInteger("index", c);
        JsonObject function = call.getJsonObject("function", new JsonObject());
        JsonObject kept = part.calls.computeIfAbsent(index, k -> {
          held += 64;
          return new JsonObject().put("type", "function").put("function", new JsonObject().put("name", ""));
        });
        if (call.getValue("id") != null) {
          kept.put("id", call.getValue("id"));
        }
        if (call.getValue("type") != null) {
          kept.put("type", call.getValue("type"));
        }
        if (function.getValue("name") instanceof String name && !name.isEmpty()) {
          kept.getJsonObject("function").put("name", name);
          held += name.length();
        }
        append(part.arguments.computeIfAbsent(index, k -> new StringBuilder()), function.getValue("arguments"));
      }
    }
  }

  private void anthropic(JsonObject event, int size) {
    String type = event.getString("type", "");
    switch (type) {
      case "message_start" -> {
        head = event.getJsonObject("message", new JsonObject()).copy();
        usage = head.getJsonObject("usage");
        held += size;
      }
      case "content_block_start" -> {
        Part part = parts.computeIfAbsent(event.getInteger("index", parts.size()), k -> new Part());
        part.start = event.getJsonObject("content_block", new JsonObject());
        held += size;
      }
      case "content_block_delta" -> {
        Part part = parts.computeIfAbsent(event.getInteger("index", 0), k -> new Part());
        JsonObject delta = event.getJsonObject("delta", new JsonObject());
        switch (delta.getString("type", "")) {
          case "text_delta" -> append(part.text, delta.getValue("text"));
          case "input_json_delta" -> append(part.text, delta.getValue("partial_json"));
          case "thinking_delta" -> append(part.text, delta.getValue("thinking"));
          case "signature_delta" -> append(part.extra, delta.getValue("signature"));
          default -> { }
        }
      }
      case "message_delta" -> {
        JsonObject delta = event.getJsonObject("delta", new JsonObject());
        stopReason = delta.getString("stop_reason", stopReason);
        stopSequence = delta.getValue("stop_sequence");
        if (event.getValue("usage") instanceof JsonObject more) {
          usage = usage == null ? more.copy() : usage.copy().mergeIn(more);
        }
      }
      default -> { }
    }
  }

  private void append(StringBuilder into, Object text) {
    if (text instanceof String piece && !piece.isEmpty()) {
      into.append(piece);
      held += piece.length();
    }
  }

  /** The whole answer, or null when the stream overflowed the bound or carried nothing to assemble. */
  public JsonObject answer(Usage counted) {
    if (overflowed || head == null) {
      return null;
    }
    return operation == Operation.MESSAGES ? message() : completion(counted);
  }

  private JsonObject completion(Usage counted) {
    JsonArray choices = new JsonArray();
    parts.forEach((index, part) -> {
      JsonObject choice = new JsonObject().put("index", index);
      if (operation == Operation.COMPLETION) {
        choice.put("text", part.text.toString()).putNull("logprobs");
      } else {
        JsonObject message = new JsonObject().put("role", part.role == null ? "assistant" : part.role)
            .put("content", part.text.isEmpty() && !part.calls.isEmpty() ? null : part.text.toString());
        if (!part.extra.isEmpty()) {
          message.put("reasoning_content", part.extra.toString());
        }
        if (!part.calls.isEmpty()) {
          List<JsonObject> calls = new ArrayList<>();
          part.calls.forEach((i, call) -> {
            StringBuilder arguments = part.arguments.get(i);
            call.getJsonObject("function").put("arguments", arguments == null ? "" : arguments.toString());
            calls.add(call);
          });
          message.put("tool_calls", new JsonArray(new ArrayList<>(calls)));
        }
        choice.put("message", message);
      }
      choices.add(choice.put("finish_reason", part.finishReason));
    });
    JsonObject answer = head.copy().put("object", operation == Operation.COMPLETION ? "text_completion" : "chat.completion")
        .put("choices", choices);
    return answer.put("usage", usage != null ? usage : new JsonObject().put("prompt_tokens", counted.promptTokens())
        .put("completion_tokens", counted.completionTokens()).put("total_tokens", counted.totalTokens()));
  }

  private JsonObject message() {
    JsonArray content = new JsonArray();
    for (Part part : parts.values()) {
      JsonObject block = part.start == null ? new JsonObject().put("type", "text") : part.start.copy();
      switch (block.getString("type", "")) {
        case "text" -> block.put("text", part.text.toString());
        case "tool_use", "server_tool_use" -> {
          try {
            block.put("input", part.text.isEmpty() ? new JsonObject() : new JsonObject(part.text.toString()));
          } catch (RuntimeException notJson) {
            return null; // arguments that do not parse: not an answer to replay
          }
        }
        case "thinking" -> block.put("thinking", part.text.toString()).put("signature", part.extra.toString());
        default -> { }
      }
      content.add(block);
    }
    JsonObject answer = head.copy().put("content", content).put("stop_reason", stopReason)
        .put("stop_sequence", stopSequence);
    if (usage != null) {
      answer.put("usage", usage);
    }
    return answer;
  }
}
