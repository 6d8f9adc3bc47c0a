package dev.switchboard.relay;

import dev.switchboard.errors.ErrorResponses;
import dev.switchboard.errors.GatewayError;
import dev.switchboard.model.Operation;
import dev.switchboard.model.StreamTranslator;
import dev.switchboard.model.Usage;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.function.Consumer;

/**
 * Frames what a stream's translator emits as SSE for the client: {@code data: ...\n\n} ending with
 * exactly one {@code [DONE]} for OpenAI clients; {@code event: <type>\ndata: ...\n\n} for
 * Anthropic and Responses API clients, whose SDKs dispatch on the event name (no [DONE] for
 * either: their own last event ends the stream). Pure and per stream.
 */
public final class StreamFramer {

  private static final String DONE = "[DONE]";
  private static final Buffer DATA = Buffer.buffer("data: ");
  private static final Buffer EVENT_END = Buffer.buffer("\n\n");

  private static final Buffer EVENT = Buffer.buffer("event: ");
  private static final String TYPE_FIRST = "{\"type\":\"";

  private final StreamTranslator translator;
  /** Events named by their type: Anthropic's and the Responses API's. */
  private final boolean namedEvents;
  private final boolean responses;
  /** Responses events framed so far: the sequence_number of an error event. */
  private long responsesEvents;
  private final Consumer<String> emitter = this::emit;
  private Buffer pending;
  /** pending is the upstream's own bytes: to add to it, copy it first. */
  private boolean pendingIsWire;
  /** The event being framed and its upstream bytes, while the translator runs. */
  private String current;
  private Buffer currentWire;
  private boolean sawDone;
  /** An Anthropic-format stream has framed its message_stop. */
  private boolean lastEvent;
  /** Sees every payload framed for the client (the cache's {@link AnswerCollector}), or null. */
  private Consumer<String> observer;

  public StreamFramer(StreamTranslator translator, Operation operation) {
    this.translator = translator;
    this.responses = operation == Operation.RESPONSES;
    this.namedEvents = operation == Operation.MESSAGES || responses;
  }

  /** {@code observer} sees each payload framed from now on, as the client receives it. */
  public void observe(Consumer<String> observer) {
    this.observer = observer;
  }

  /** The bytes to send for one upstream event's data, or null to send nothing. */
  public Buffer frame(String data) {
    return frame(data, null);
  }

  /**
   * As {@link #frame(String)}; {@code wire}, when not null, is the event as it came, exactly
   * {@code data: <data>\n\n}: when the translator passes the event on unchanged, those bytes are sent.
   */
  public Buffer frame(String data, Buffer wire) {
    if (sawDone) {
      return null;
    }
    current = data;
    currentWire = namedEvents ? null : wire;
    try {
      translator.onEvent(data, emitter);
    } finally {
      current = null;
      currentWire = null;
    }
    return takePending();
  }

  private Buffer takePending() {
    Buffer out = pending;
    pending = null;
    pendingIsWire = false;
    return out;
  }

  private void emit(String chunk) {
    if (sawDone) {
      return;
    }
    if (observer != null) {
      observer.accept(chunk);
    }
    if (pending == null && chunk == current && currentWire != null) {
      pending = currentWire;
      pendingIsWire = true;
      sawDone = DONE.equals(chunk);
      return;
    }
    if (pending == null) {
      pending = Buffer.buffer(chunk.length() + 32);
    } else if (pendingIsWire) {
      pending = Buffer.buffer(pending.length() + chunk.length() + 32).appendBuffer(pending);
      pendingIsWire = false;
    }
    if (namedEvents) {
      String type = eventType(chunk);
      lastEvent |= responses ? isLastResponsesEvent(type) : "message_stop".equals(type);
      responsesEvents++;
      pending.appendBuffer(EVENT).appendString(type).appendString("\n");
    } else {
      sawDone = DONE.equals(chunk);
    }
    pending.appendBuffer(DATA).appendString(chunk).appendBuffer(EVENT_END);
  }

  /** A Responses stream ends with its response's final state (or an error event). */
  private static boolean isLastResponsesEvent(String type) {
    return "response.completed".equals(type) || "response.incomplete".equals(type) || "response.failed".equals(type)
        || "error".equals(type);
  }

  /** Anthropic's events carry their type first (ours and Anthropic's alike); parse only if not. */
  private static String eventType(String event) {
    if (event.startsWith(TYPE_FIRST)) {
      int end = event.indexOf('"', TYPE_FIRST.length());
      if (end > 0) {
        return event.substring(TYPE_FIRST.length(), end);
      }
    }
    try {
      return String.valueOf(new JsonObject(event).getString("type"));
    } catch (RuntimeException notJson) {
      return "error";
    }
  }

  /** Whether the bytes framed so far include the stream's last event: {@code [DONE]}, Anthropic's {@code message_stop}, or response.completed and its kin. */
  public boolean done() {
    return sawDone || lastEvent;
  }

  /**
   * The closing {@code [DONE]} of an OpenAI stream when the provider did not send one, else null; for
   * a Responses stream whose provider's stream just ended, the translator's closing events.
   */
  public Buffer end() {
    if (responses && !lastEvent) {
      translator.onEvent(DONE, emitter);
      return takePending();
    }
    if (sawDone || namedEvents) {
      return null;
    }
    pending = null;
    emit(DONE);
    return takePending();
  }

  /** The event that tells a client mid-stream that the stream failed (no [DONE] follows). */
  public Buffer errorEvent(GatewayError error) {
    if (responses) {
      // The Responses API's error event: {type: error, code, message, param, sequence_number}.
      JsonObject event = new JsonObject().put("type", "error").put("code", error.code()).put("message", error.getMessage())
          .put("param", error.param()).put("sequence_number", responsesEvents);
      return Buffer.buffer().appendBuffer(EVENT).appendString("error\n").appendBuffer(DATA)
          .appendString(event.encode()).appendBuffer(EVENT_END);
    }
    if (namedEvents) {
      JsonObject event = ErrorResponses.anthropic(error);
      return Buffer.buffer().appendBuffer(EVENT).appendString("error\n").appendBuffer(DATA)
          .appendString(event.encode()).appendBuffer(EVENT_END);
    }
    return Buffer.buffer().appendBuffer(DATA).appendString(error.toJson().encode()).appendBuffer(EVENT_END);
  }

  public Usage usage() {
    return translator.usage();
  }

  public long streamedChars() {
    return translator.streamedChars();
  }

  /** See {@link StreamTranslator#reachedEnd()}. */
  public boolean reachedEnd() {
    return translator.reachedEnd();
  }
}
