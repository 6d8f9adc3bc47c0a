package dev.switchboard.bench;

import dev.switchboard.ingress.ModelRequest;
import dev.switchboard.model.Operation;
import io.vertx.core.buffer.Buffer;
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

/** The ingress's first step on every request: JSON decode and validate a ~1 KB chat body. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class ChatRequestBenchmark {

  @Param({"false", "true"})
  public boolean stream;

  private Buffer body;

  @Setup
  public void setUp() {
    body = Buffer.buffer(Payloads.chatBody("gpt-4o-mini", stream, stream));
    ModelRequest check = ModelRequest.parse(Operation.CHAT, body);
    if (check.stream() != stream) {
      throw new IllegalStateException("unexpected parse result");
    }
  }

  @Benchmark
  public ModelRequest parse() {
    return ModelRequest.parse(Operation.CHAT, body);
  }
}
