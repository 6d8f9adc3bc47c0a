package dev.switchboard.bench;

import dev.switchboard.model.Principal;
import dev.switchboard.config.ConfigLoader;
import dev.switchboard.config.RedisSettings;
import dev.switchboard.model.Quota;
import dev.switchboard.model.VirtualKey;
import dev.switchboard.model.CallBody;
import dev.switchboard.ratelimit.Acquire;
import dev.switchboard.ratelimit.Permit;
import dev.switchboard.ratelimit.RateLimiter;
import dev.switchboard.ratelimit.Release;
import dev.switchboard.routing.ModelRegistry;
import dev.switchboard.model.Usage;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.ServerSocket;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import redis.embedded.RedisServer;

/**
 * What a rate-limit admission decision costs: {@code RateLimiter.acquire} then {@code release}
 * for a key in a team, with rpm, tpm and parallel limits on the key and an rpm limit on the team
 * (two holders, so in Redis two Lua scripts pipelined in one round trip), the token estimate of a
 * short chat body included. {@code memory}: the counters in this JVM (issue #6 target ≤ 2 µs);
 * {@code redis}: a real Redis on loopback (the setup starts one on a free port).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class RateLimitBenchmark {

  @Param({"memory", "redis"})
  public String counters;

  private Vertx vertx;
  private RedisServer redis;
  private RateLimiter limiter;
  private Acquire acquire;
  private final Usage usage = new Usage(10, 5, 15, 0);

  @Setup(Level.Trial)
  public void start() throws Exception {
    vertx = Vertx.vertx();
    RedisSettings redisSettings = null;
    if (counters.equals("redis")) {
      int port;
      try (ServerSocket socket = new ServerSocket(0)) {
        port = socket.getLocalPort();
      }
      redis = RedisServer.newRedisServer().port(port).bind("127.0.0.1").setting("save \"\"").build();
      redis.start();
      redisSettings = new RedisSettings(null, "127.0.0.1", port, null);
    }
    ModelRegistry registry = ModelRegistry.from(new ConfigLoader(name -> null).parse(
        "model_list:\n  - {model_name: chat, litellm_params: {model: openai/chat, api_base: 'http://127.0.0.1:1/v1'}}\n",
        "bench.yaml"));
    limiter = new RateLimiter(vertx, registry.deployments(), System::currentTimeMillis, 0, redisSettings, 1000, 60_000);
    int big = Integer.MAX_VALUE;
    VirtualKey key = new VirtualKey("f".repeat(64), "sk-...bench", "bench", List.of(), null, "team-1", null, false,
        null, null, big, big, big, new JsonObject(), new JsonObject(), new JsonObject(), List.of(), 0, Instant.now(),
        null, null, false, new Quota("team-1", big, null, null, null, null), null, new JsonObject(), new JsonObject(), null, null, null);
    JsonObject body = new JsonObject().put("model", "chat").put("messages", new JsonArray()
        .add(new JsonObject().put("role", "system").put("content", "You are a helpful assistant."))
        .add(new JsonObject().put("role", "user").put("content", "What is the capital of France?")));
    acquire = new Acquire(new Principal("bench", false, key, null), "chat", new CallBody(body));
  }

  @TearDown(Level.Trial)
  public void stop() throws Exception {
    await(limiter.close());
    await(vertx.close());
    if (redis != null) {
      redis.stop();
    }
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }

  /**
   * One admission decision and its release, each complete before the next operation: in memory
   * both are plain calls; in Redis they are two round trips (the acquire's scripts for key and
   * team pipelined in one, then the release's).
   */
  @Benchmark
  public Permit acquireAndRelease() throws Exception {
    Future<Permit> decided = limiter.acquire(acquire);
    Permit permit = decided.isComplete() ? decided.result() : await(decided);
    if (!permit.granted()) {
      throw new IllegalStateException(permit.denial().getMessage());
    }
    Future<Void> released = limiter.release(new Release(permit, null, usage));
    if (!released.isComplete()) {
      await(released);
    }
    return permit;
  }
}
