package dev.switchboard.relay;

import dev.switchboard.model.StreamFormat;
import io.vertx.core.buffer.Buffer;

/**
 * Cuts the raw reads of a provider stream into its events, each bounded: an event past the bound
 * throws {@link SseParser.EventTooLargeException} instead of growing a buffer. {@link #pause()}
 * holds the rest of a read until {@link #resume()}, for the client's back-pressure.
 */
interface StreamSplitter {

  /** One read of the stream, as it came. */
  void feed(Buffer read);

  /** Stops handing on events at the next one, until {@link #resume()}. */
  void pause();

  boolean paused();

  /** Goes on with what {@link #pause()} left of the last read (which may pause again). */
  void resume();

  /** End of stream: an event not yet complete is dropped. */
  void end();

  /** The splitter for {@code format}; {@code max} bounds one line or event. */
  static StreamSplitter of(StreamFormat format, int max, SseParser.EventHandler onEvent) {
    return switch (format) {
      case SSE -> new SseParser(max, onEvent);
      case NDJSON -> new NdjsonSplitter(max, onEvent);
      case EVENT_STREAM -> new EventStreamSplitter(max, onEvent);
    };
  }
}
