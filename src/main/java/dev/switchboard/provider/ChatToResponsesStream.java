package dev.switchboard.provider;

import dev.switchboard.errors.ErrorClass;
import dev.switchboard.errors.GatewayError;
import dev.switchboard.model.StreamTranslator;
import dev.switchboard.model.Usage;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A chat stream (what any provider's chat translator emits) told as the Responses API's events:
 * response.created and .in_progress first; a message item for text and a function_call item per tool
 * call, each opened, streamed delta by delta and closed; response.completed (or .incomplete) with the
 * whole output and usage last. Deltas pass on as they come; what is kept is what the closing events
 * must repeat (each item's text or arguments), bounded by {@link #MAX_OUTPUT_CHARS}.
 */
final class ChatToResponsesStream implements StreamTranslator {

  /**
   * The most answer text and arguments one stream keeps for its closing events: the default request
   * body limit (10 MB). A longer answer ends with an error event instead of growing the heap.
   */
  static final long MAX_OUTPUT_CHARS = 10L * 1024 * 1024;

  private final StreamTranslator chat;
  private final String model;
  private final String responseId = ResponsesAnswers.id("resp_");
  private final long createdAt = System.currentTimeMillis() / 1000;
  private final Consumer<String> fromChat;
  private Consumer<String> emit;
  private final JsonArray output = new JsonArray();
  private final Map<Integer, Call> calls = new HashMap<>();
  private long sequence;
  private long kept;
  private boolean started;
  private boolean finished;
  /** The open message item's id and text, or null. */
  private String textId;
  private StringBuilder text;
  private int textIndex;
  private Call openCall;
  private String finishReason;
  private long reasoningTokens;
  /** The final response, once response.completed (or .incomplete) was sent. */
  private JsonObject completed;

  /** One function_call item while it streams. */
  private static final class Call {
    final String id = ResponsesAnswers.id("fc_");
    final String callId;
    final String name;
    final int outputIndex;
    final StringBuilder arguments = new StringBuilder();
    boolean done;

    Call(String callId, String name, int outputIndex) {
      this.callId = callId;
      this.name = name;
      this.outputIndex = outputIndex;
    }
  }

  /** What every response object of the stream echoes from the request ({@link ResponsesAnswers#echoed}). */
  private final JsonObject echoed;

  ChatToResponsesStream(StreamTranslator chat, String model) {
    this(chat, model, new JsonObject());
  }

  ChatToResponsesStream(StreamTranslator chat, String model, JsonObject echoed) {
    this.chat = chat;
    this.model = model;
    this.echoed = echoed;
    this.fromChat = this::onChunk;
  }

  @Override
  public void onEvent(String data, Consumer<String> emit) {
    this.emit = emit;
    if (finished) {
      return;
    }
    if ("[DONE]".equals(data)) {
      // The upstream's own [DONE], or the relay's end-of-stream hook, which not every chat translator reads.
      try {
        chat.onEvent(data, fromChat);
      } catch (RuntimeException notForIt) {
        // finished below
      }
      onChunk(data);
      return;
    }
    chat.onEvent(data, fromChat);
  }

  private void onChunk(String data) {
    if (finished) {
      return;
    }
    start();
    if ("[DONE]".equals(data)) {
      finish();
      return;
    }
    JsonObject chunk = Json.objectOrNull(data);
    if (chunk == null) {
      return;
    }
    if (chunk.getValue("usage") instanceof JsonObject usage) {
      reasoningTokens = ResponsesAnswers.reasoningTokens(usage);
    }
    JsonArray choices = chunk.getValue("choices") instanceof JsonArray list ? list : new JsonArray();
    if (choices.isEmpty()) {
      return;
    }
    JsonObject choice = choices.getJsonObject(0);
    JsonObject delta = choice.getValue("delta") instanceof JsonObject d ? d : new JsonObject();
    if (delta.getValue("content") instanceof String piece && !piece.isEmpty()) {
      text(piece);
    }
    if (delta.getValue("tool_calls") instanceof JsonArray toolCalls) {
      for (int i = 0; i < toolCalls.size(); i++) {
        toolCall(toolCalls.getJsonObject(i));
      }
    }
    if (choice.getValue("finish_reason") instanceof String reason) {
      finishReason = reason;
    }
  }

  private void start() {
    if (started) {
      return;
    }
    started = true;
    JsonObject response = ResponsesAnswers.response(responseId, createdAt, model, "in_progress").mergeIn(echoed);
    send(event("response.created").put("response", response));
    send(event("response.in_progress").put("response", response.copy()));
  }

  private void text(String piece) {
    keep(piece.length());
    if (text == null) {
      closeOpen();
      textId = ResponsesAnswers.id("msg_");
      text = new StringBuilder();
      textIndex = output.size();
      output.addNull(); // its place, filled when it is done
      send(event("response.output_item.added").put("output_index", textIndex)
          .put("item", ResponsesAnswers.messageItem(textId, "in_progress", new JsonArray())));
      send(event("response.content_part.added").put("item_id", textId).put("output_index", textIndex)
          .put("content_index", 0).put("part", ResponsesAnswers.textPart("")));
    }
    text.append(piece);
    send(event("response.output_text.delta").put("item_id", textId).put("output_index", textIndex)
        .put("content_index", 0).put("delta", piece).put("logprobs", new JsonArray()));
  }

  private void toolCall(JsonObject delta) {
    int index = delta.getInteger("index", 0);
    JsonObject function = delta.getValue("function") instanceof JsonObject f ? f : new JsonObject();
    Call call = calls.get(index);
    if (call == null) {
      closeOpen();
      call = new Call(delta.getString("id", ResponsesAnswers.id("call_")), function.getString("name", ""), output.size());
      calls.put(index, call);
      openCall = call;
      output.addNull();
      send(event("response.output_item.added").put("output_index", call.outputIndex)
          .put("item", ResponsesAnswers.functionCallItem(call.id, "in_progress", call.callId, call.name, "")));
    }
    String fragment = function.getValue("arguments") instanceof String a ? a : "";
    if (!fragment.isEmpty()) {
      keep(fragment.length());
      call.arguments.append(fragment);
      send(event("response.function_call_arguments.delta").put("item_id", call.id)
          .put("output_index", call.outputIndex).put("delta", fragment));
      if (call.done) {
        // A provider that interleaves parallel calls: the closed item's final arguments still grow.
        output.getJsonObject(call.outputIndex).put("arguments", call.arguments.toString());
      }
    }
  }

  /** Closes the item streaming now, so the next one opens after it (Responses items never interleave). */
  private void closeOpen() {
    if (text != null) {
      String whole = text.toString();
      send(event("response.output_text.done").put("item_id", textId).put("output_index", textIndex)
          .put("content_index", 0).put("text", whole).put("logprobs", new JsonArray()));
      send(event("response.content_part.done").put("item_id", textId).put("output_index", textIndex)
          .put("content_index", 0).put("part", ResponsesAnswers.textPart(whole)));
      JsonObject item = ResponsesAnswers.messageItem(textId, "completed", new JsonArray().add(ResponsesAnswers.textPart(whole)));
      output.set(textIndex, item);
      send(event("response.output_item.done").put("output_index", textIndex).put("item", item));
      text = null;
    }
    if (openCall != null) {
      Call call = openCall;
      call.done = true;
      String arguments = call.arguments.toString();
      send(event("response.function_call_arguments.done").put("item_id", call.id).put("output_index", call.outputIndex)
          .put("name", call.name).put("arguments", arguments));
      JsonObject item = ResponsesAnswers.functionCallItem(call.id, "completed", call.callId, call.name, arguments);
      output.set(call.outputIndex, item);
      send(event("response.output_item.done").put("output_index", call.outputIndex).put("item", item));
      openCall = null;
    }
  }

  private void finish() {
    finished = true;
    closeOpen();
    JsonObject response = ResponsesAnswers.response(responseId, createdAt, model, "completed").mergeIn(echoed)
        .put("output", output);
    ResponsesAnswers.finish(response, finishReason);
    response.put("usage", ResponsesAnswers.responsesUsage(chat.usage(), reasoningTokens));
    completed = response;
    send(event("completed".equals(response.getString("status")) ? "response.completed" : "response.incomplete")
        .put("response", response));
  }

  private void keep(long chars) {
    kept += chars;
    if (kept > MAX_OUTPUT_CHARS) {
      throw GatewayError.of(ErrorClass.API_CONNECTION, "response_too_large", "The answer grew past "
          + MAX_OUTPUT_CHARS + " characters, the most a translated Responses stream keeps for its closing events; "
          + "the stream was stopped. Ask for a shorter answer (max_output_tokens).");
    }
  }

  /** Every Responses event carries its type first (the relay names the SSE event from it) and its place in the stream. */
  private JsonObject event(String type) {
    return new JsonObject().put("type", type).put("sequence_number", sequence++);
  }

  private void send(JsonObject event) {
    emit.accept(event.encode());
  }

  @Override
  public Usage usage() {
    return chat.usage();
  }

  @Override
  public long streamedChars() {
    return chat.streamedChars();
  }

  @Override
  public boolean reachedEnd() {
    return chat.reachedEnd();
  }

  @Override
  public JsonObject completedAnswer() {
    return completed;
  }
}
