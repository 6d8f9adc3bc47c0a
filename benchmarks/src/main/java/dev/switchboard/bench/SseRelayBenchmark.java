package dev.switchboard.bench;

import dev.switchboard.config.ConfigLoader;
import dev.switchboard.config.LitellmSettings;
import dev.switchboard.model.Deployment;
import dev.switchboard.provider.OpenAiStream;
import dev.switchboard.model.Operation;
import dev.switchboard.routing.ModelRegistry;
import dev.switchboard.relay.SseParser;
import dev.switchboard.relay.StreamFramer;
import dev.switchboard.model.Usage;
import io.vertx.core.buffer.Buffer;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
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
 * The streaming relay's per-event work on one whole OpenAI stream, as relay/SseRelay does it: the
 * network reads feed the gateway's {@link SseParser}, and the gateway's {@link StreamFramer} frames
 * each event as a {@code data: ...\n\n} Buffer for the client (the event's own bytes when it passes
 * through unchanged; it parses the chunks that mention usage). Only the socket writes are left out.
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

  /** The deployment the stream is attributed to in error messages; built from config as the gateway does. */
  private static final Deployment DEPLOYMENT = ModelRegistry.from(new ConfigLoader(name -> null)
      .parse("model_list: [{model_name: bench, litellm_params: {model: openai/bench}}]", "bench"))
      .group("bench").deployments().get(0);


  /** role chunk + 47 content chunks + finish chunk + usage chunk. */
  public static final int CHUNK_EVENTS = 50;
  /** ...and [DONE]. */
  public static final int EVENTS = CHUNK_EVENTS + 1;

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
    int[] written = new int[1];
    Usage usage = relay(new StreamFramer(new OpenAiStream(DEPLOYMENT, true), Operation.CHAT), bytes -> written[0]++);
    // every event but the usage-only chunk (dropped: the client did not ask for usage) is written
    if (written[0] != EVENTS - 1 || usage.totalTokens() <= 0) {
      throw new IllegalStateException("wrote " + written[0] + " events, usage " + usage);
    }
  }

  private Usage relay(StreamFramer framer, Consumer<Buffer> client) {
    SseParser events = new SseParser(LitellmSettings.DEFAULT_MAX_TOOL_CALL_BUFFER_BYTES, (data, wire) -> {
      Buffer bytes = framer.frame(data, wire);
      if (bytes != null) {
        client.accept(bytes);
      }
    });
    for (int i = 0; i < input.size(); i++) {
      events.feed(input.get(i));
    }
    events.end();
    Buffer done = framer.end();
    if (done != null) {
      client.accept(done);
    }
    return framer.usage();
  }

  /** One whole stream, the client not asking for usage (the gateway drops the usage-only chunk). */
  @Benchmark
  public Usage relayStream(Blackhole blackhole) {
    return relay(new StreamFramer(new OpenAiStream(DEPLOYMENT, true), Operation.CHAT), blackhole::consume);
  }
}
