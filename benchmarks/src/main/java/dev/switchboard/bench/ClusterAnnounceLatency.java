package dev.switchboard.bench;

import dev.switchboard.bus.Bus;
import dev.switchboard.cluster.ClusterNode;
import dev.switchboard.config.ClusterSettings;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import java.net.ServerSocket;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * How long an announcement (a key revoked, a deployment cooled down) takes from one clustered
 * gateway to another: two Vert.x instances clustered through Hazelcast on loopback, as
 * {@code --cluster} makes them; node A announces, node B hears, {@code COUNT} times, one at a time.
 * Run: {@code java -cp benchmarks/target/benchmarks.jar dev.switchboard.bench.ClusterAnnounceLatency [count]}.
 */
public final class ClusterAnnounceLatency {

  private static final String ADDRESS = "sb.bench.announce";

  private ClusterAnnounceLatency() {
  }

  public static void main(String[] args) throws Exception {
    int count = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    ClusterSettings settings = new ClusterSettings(true, List.of("127.0.0.1:" + port, "127.0.0.1:" + (port + 1)), port,
        "127.0.0.1", false, "bench-" + UUID.randomUUID());
    long joinStart = System.nanoTime();
    Vertx a = await(ClusterNode.vertx(settings, new VertxOptions()));
    Vertx b = await(ClusterNode.vertx(settings, new VertxOptions()));
    System.out.printf(Locale.ROOT, "two nodes clustered in %.1f s%n", (System.nanoTime() - joinStart) / 1e9);
    Histogram latency = new Histogram(3_600_000_000L, 3);
    Promise<?>[] next = new Promise<?>[1];
    await(new Bus(b).hear(ADDRESS, news -> {
      latency.recordValue((System.nanoTime() - news.getLong("sent")) / 1000);
      next[0].tryComplete();
    }));
    Bus announcer = new Bus(a);
    // Warm-up, then the measured run.
    for (int round = 0; round < 2; round++) {
      latency.reset();
      for (int i = 0; i < count; i++) {
        Promise<Void> heard = Promise.promise();
        next[0] = heard;
        announcer.announce(ADDRESS, new JsonObject().put("sent", System.nanoTime()));
        heard.future().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      }
    }
    System.out.printf(Locale.ROOT, "announcement A -> B over %d: p50 %d µs, p99 %d µs, max %d µs%n", count,
        latency.getValueAtPercentile(50), latency.getValueAtPercentile(99), latency.getMaxValue());
    await(b.close());
    await(a.close());
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
  }
}
