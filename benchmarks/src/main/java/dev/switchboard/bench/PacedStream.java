package dev.switchboard.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.parsetools.RecordParser;
import java.nio.charset.StandardCharsets;

/**
 * Reads one paced stream of the concurrent-streams phase event by event. Each event the mock
 * stamped carries its send time (the mock runs in this JVM, so both ends read one clock): the
 * event's delay is its arrival less that stamp, and how much a gap between two events grew on the
 * way is the later delay less the earlier one, whatever the mock's timers did. Lives on the event
 * loop of its call; one instance per stream.
 */
final class PacedStream {

  /** Told of every stream of a round as it goes: the round's gauges and its chunk-delay histogram. */
  interface Observer {
    void opened();

    void chunkDelay(long nanos);

    void closed();
  }

  /**
   * One whole stream: when its first event arrived and when it ended (System.nanoTime), how many
   * stamped events it had, the largest amount by which a gap between two of them grew and when the
   * event that ended that gap arrived.
   */
  record Result(long firstEventNanos, long endNanos, int stampedEvents, long worstAddedGapNanos,
      long worstAddedGapAtNanos) {
  }

  private final Observer observer;
  private final Promise<Result> done = Promise.promise();
  private long firstEventNanos;
  private long previousDelay;
  private long worstAddedGap;
  private long worstAddedGapAt;
  private int stamped;
  private boolean sawDone;
  /** The last event without a stamp: [DONE], or the gateway's error event when a stream fails. */
  private String lastUnstamped = "";

  private PacedStream(Observer observer) {
    this.observer = observer;
  }

  static Future<Result> read(HttpClientResponse response, Observer observer) {
    PacedStream stream = new PacedStream(observer);
    RecordParser events = RecordParser.newDelimited("\n\n", response);
    events.handler(stream::event);
    events.exceptionHandler(stream::failed);
    events.endHandler(v -> stream.ended());
    observer.opened();
    return stream.done.future();
  }

  private void event(Buffer record) {
    long arrived = System.nanoTime();
    if (firstEventNanos == 0) {
      firstEventNanos = arrived;
    }
    String text = record.toString(StandardCharsets.UTF_8);
    long sent = Payloads.stampOf(text);
    if (sent < 0) {
      sawDone |= text.equals("data: [DONE]");
      lastUnstamped = text;
      return;
    }
    long delay = arrived - sent;
    observer.chunkDelay(delay);
    if (stamped > 0 && delay - previousDelay > worstAddedGap) {
      worstAddedGap = delay - previousDelay;
      worstAddedGapAt = arrived;
    }
    previousDelay = delay;
    stamped++;
  }

  private void ended() {
    // Failures are grouped by message in the report, so the chunk count stays out of them.
    if (!sawDone) {
      finish("stream ended without data: [DONE]; last unstamped event: " + LoadClient.truncate(lastUnstamped));
    } else if (stamped == 0) {
      finish("stream had no stamped event: not the mock's paced stream");
    } else {
      finish(null);
    }
  }

  private void failed(Throwable cause) {
    finish(String.valueOf(cause));
  }

  private void finish(String failure) {
    if (done.future().isComplete()) {
      return;
    }
    observer.closed();
    if (failure == null) {
      done.complete(new Result(firstEventNanos, System.nanoTime(), stamped, worstAddedGap, worstAddedGapAt));
    } else {
      done.fail(failure);
    }
  }
}
