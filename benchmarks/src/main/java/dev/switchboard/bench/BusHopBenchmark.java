package dev.switchboard.bench;

import dev.switchboard.bus.Bus;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One {@link Bus#hop}, the way the gateway reaches each stage (auth, limits, budget, router, relay,
 * spend log: six per request). A consumer {@code serve}s on one event loop and answers at once; the
 * caller runs on that same loop ({@code sameLoop}: the loop's own consumer, the gateway's case) or
 * on the other loop ({@code crossLoop}: a request to the shared address, a thread hand-off each
 * way). {@code directCall} calls the stage's function itself: what a hop costs over no hop.
 *
 * <p>Each invocation chains {@link #HOPS} sequential hops inside the event loop and completes a
 * CompletableFuture; the score is per hop (the one dispatch onto the loop is amortised).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class BusHopBenchmark {

  /** A small message passed by reference through the local codec. */
  public record Ping(long sequence, String requestId) {
  }

  static final String ADDRESS = "bench.echo";
  static final int HOPS = 1000;
  private static final Ping PING = new Ping(42, "req-0123456789abcdef");

  @Param({"sameLoop", "crossLoop", "directCall"})
  public String loop;

  private Vertx vertx;
  private Bus bus;
  private Context callerContext;
  private volatile Thread servedOn;

  /** A verticle that only lends its context (and event loop) to the benchmark. */
  static final class ContextVerticle extends VerticleBase {
    private final Function<ContextVerticle, Future<?>> onStart;
    volatile Context ctx;
    volatile Thread thread;

    ContextVerticle(Function<ContextVerticle, Future<?>> onStart) {
      this.onStart = onStart;
    }

    @Override
    public Future<?> start() {
      ctx = context;
      thread = Thread.currentThread();
      return onStart.apply(this);
    }
  }

  @Setup
  public void setUp() throws Exception {
    vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
    bus = new Bus(vertx);
    bus.registerLocalCodecs(Ping.class);
    ContextVerticle server = new ContextVerticle(v -> bus.serve(ADDRESS, this::echo));
    ContextVerticle other = new ContextVerticle(v -> Future.succeededFuture());
    await(vertx.deployVerticle(server));
    await(vertx.deployVerticle(other));
    if (server.thread == other.thread) {
      throw new IllegalStateException("both verticles landed on " + server.thread.getName() + "; need two event loops");
    }
    ContextVerticle caller = "crossLoop".equals(loop) ? other : server;
    callerContext = caller.ctx;
    Object reply = hops(1);
    Thread expected = server.thread;
    if (!(reply instanceof Ping) || servedOn != server.thread || servedOn != expected) {
      throw new IllegalStateException("unexpected hop: reply " + reply + " served on " + servedOn);
    }
  }

  private Future<Ping> echo(Ping ping) {
    servedOn = Thread.currentThread();
    return Future.succeededFuture(ping);
  }

  @TearDown
  public void tearDown() throws Exception {
    await(vertx.close());
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  private Object hops(int count) throws Exception {
    CompletableFuture<Object> done = new CompletableFuture<>();
    callerContext.runOnContext(v -> hop(count, done));
    return done.get(30, TimeUnit.SECONDS);
  }

  private void hop(int remaining, CompletableFuture<Object> done) {
    Future<Ping> answer = "directCall".equals(loop) ? echo(PING) : bus.hop(ADDRESS, PING);
    answer.onComplete(reply -> {
      if (reply.failed()) {
        done.completeExceptionally(reply.cause());
      } else if (remaining == 1) {
        done.complete(reply.result());
      } else {
        hop(remaining - 1, done);
      }
    });
  }

  @Benchmark
  @OperationsPerInvocation(HOPS)
  public Object hop() throws Exception {
    return hops(HOPS);
  }
}
