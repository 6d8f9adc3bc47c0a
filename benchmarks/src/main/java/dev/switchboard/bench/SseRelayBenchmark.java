package dev.switchboard.bench;

import dev.switchboard.relay.Relay;
import dev.switchboard.relay.SseParser;
import dev.switchboard.spend.Usage;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.parsetools.RecordParser;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The streaming relay's per-event work on one whole OpenAI stream: a RecordParser on "\n" feeds
 * the gateway's {@link SseParser}, and each event is re-framed into a {@code data: ...\n\n}
 * Buffer exactly as relay/SseRelay does (SseRelay is package-private, so its onEvent is mirrored
 * here line for line: [DONE] copy, the "usage" substring test and JSON parse, the re-frame).
 *
 * <p>The stream has {@link #CHUNK_EVENTS} chunk events (role, content, finish, usage) and
 * [DONE]. Time is per stream; divide by {@link #EVENTS} for per event.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class SseRelayBenchmark {

  /** role chunk + 47 content chunks + finish chunk + usage chunk. */
  public static final int CHUNK_EVENTS = 50;
  /** ...and [DONE]. */
  public static final int EVENTS = CHUNK_EVENTS + 1;

  private static final Buffer DONE = Buffer.buffer("data: [DONE]\n\n");
  private static final Buffer DATA = Buffer.buffer("data: ");
  private static final Buffer EVENT_END = Buffer.buffer("\n\n");

  /**
   * true: every chunk carries {@code "usage":null}, as OpenAI sends when stream_options.include_usage
   * is set, which the gateway always sets upstream. false: only the final usage chunk names usage.
   */
  @Param({"true", "false"})
  public boolean usageNull;

  /** event: one network read per event (a provider flushing each token); whole: the stream in one read. */
  @Param({"event", "whole"})
  public String reads;

  private List<Buffer> input;

  @Setup
  public void setUp() {
    List<String> events = Payloads.streamEvents("gpt-4o-mini", CHUNK_EVENTS - 3, usageNull, true);
    if (events.size() != EVENTS) {
      throw new IllegalStateException("expected " + EVENTS + " events, got " + events.size());
    }
    List<Buffer> frames = Payloads.framed(events);
    if ("whole".equals(reads)) {
      Buffer all = Buffer.buffer();
      frames.forEach(all::appendBuffer);
      input = List.of(all);
    } else {
      input = frames;
    }
    Relayed check = new Relayed(null, true);
    relay(check);
    if (check.events != EVENTS || check.usage.totalTokens() <= 0) {
      throw new IllegalStateException("relayed " + check.events + " events, usage " + check.usage);
    }
  }

  /** The state SseRelay keeps per stream, minus the sockets. */
  static final class Relayed {
    final Blackhole blackhole;
    final boolean dropUsageChunks;
    Usage usage = Usage.NONE;
    boolean sawDone;
    int events;

    Relayed(Blackhole blackhole, boolean dropUsageChunks) {
      this.blackhole = blackhole;
      this.dropUsageChunks = dropUsageChunks;
    }

    void onEvent(String data) {
      events++;
      if (sawDone) {
        return;
      }
      if ("[DONE]".equals(data)) {
        sawDone = true;
        write(DONE.copy());
        return;
      }
      if (data.contains("\"usage\"")) {
        JsonObject chunk = parse(data);
        if (chunk != null && chunk.getValue("usage") instanceof JsonObject reported) {
          usage = Usage.fromOpenAi(reported);
          if (dropUsageChunks && chunk.getValue("choices") instanceof JsonArray choices && choices.isEmpty()) {
            return;
          }
        }
      }
      write(Buffer.buffer(data.length() + 8).appendBuffer(DATA).appendString(data).appendBuffer(EVENT_END));
    }

    private static JsonObject parse(String data) {
      try {
        return new JsonObject(data);
      } catch (RuntimeException notJson) {
        return null;
      }
    }

    private void write(Buffer bytes) {
      if (blackhole != null) {
        blackhole.consume(bytes);
      }
    }
  }

  private Usage relay(Relayed relayed) {
    SseParser events = new SseParser(Relay.MAX_SSE_EVENT_BYTES, relayed::onEvent);
    RecordParser lines = RecordParser.newDelimited("\n", events::line).maxRecordSize(Relay.MAX_SSE_EVENT_BYTES);
    for (int i = 0; i < input.size(); i++) {
      lines.handle(input.get(i));
    }
    events.end();
    return relayed.usage;
  }

  /** One whole stream, the client not asking for usage (the gateway drops the usage-only chunk). */
  @Benchmark
  public Usage relayStream(Blackhole blackhole) {
    return relay(new Relayed(blackhole, true));
  }
}
