package dev.switchboard.model;

import io.vertx.core.json.JsonObject;
import java.util.function.Consumer;

/**
 * Turns one provider stream into OpenAI chunks, event by event. One instance per stream, used on
 * the stream's event loop. What it emits are the {@code data:} payloads the client receives,
 * {@code [DONE]} included; framing them as SSE is the relay's job.
 */
public interface StreamTranslator {

  /** Handles one upstream event's data; emits zero or more OpenAI chunk payloads. */
  void onEvent(String data, Consumer<String> emit);

  /** The usage the provider reported so far (zero when it reported none). */
  Usage usage();

  /** Characters of answer text (content and tool arguments) streamed so far, for an estimate. */
  long streamedChars();

  /**
   * Whether the provider's stream reached the event that ends it. Providers whose streams end with
   * nothing of their own say true; one that names its last event (Ollama's {@code "done":true})
   * says false until it came, so a stream that stops short is an error, not a quiet [DONE].
   */
  default boolean reachedEnd() {
    return true;
  }

  /**
   * The whole answer as one object, once the stream has ended well, from a translator that builds
   * one anyway (a translated Responses stream's final response, which the gateway may store); null
   * from the others.
   */
  default JsonObject completedAnswer() {
    return null;
  }
}
