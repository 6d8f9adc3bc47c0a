package dev.switchboard.bench;

import dev.switchboard.Gateway;
import dev.switchboard.config.ConfigLoader;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The gateway's own time per request as its /metrics reports it ({@code litellm_overhead_latency_metric}:
 * total minus the relay stage), after a closed-loop run in one JVM: mock provider, gateway (one event
 * loop) and load client, one request in flight by default (more measures queueing on the loop, not the
 * gateway's work). Prints p50/p99 interpolated from the histogram's buckets, as Prometheus'
 * histogram_quantile does, over the measured requests only (warm-up subtracted).
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar dev.switchboard.bench.OverheadFromMetrics [warmup] [measured] [in flight]</pre>
 */
public final class OverheadFromMetrics {

  private static final String METRIC = "litellm_overhead_latency_metric_bucket";

  public static void main(String[] args) throws Exception {
    int warmup = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
    int measured = args.length > 1 ? Integer.parseInt(args[1]) : 200_000;
    int concurrency = args.length > 2 ? Integer.parseInt(args[2]) : 1;
    // One spend line per request would measure the console, not the gateway.
    java.util.logging.Logger quiet = java.util.logging.Logger.getLogger("dev.switchboard");
    quiet.setLevel(java.util.logging.Level.WARNING);
    int mockPort = Loopback.freePort();
    Vertx load = Vertx.vertx();
    load.deployVerticle(() -> new MockUpstream(mockPort, 20, 0, 20, 0, false),
        new io.vertx.core.DeploymentOptions().setInstances(1)).await(10, TimeUnit.SECONDS);
    String yaml = """
        model_list:
          - model_name: bench
            litellm_params: {model: openai/bench, api_base: "http://%s:%d/v1", api_key: %s}
        general_settings: {master_key: sk-bench-master-0123456789, database_url: none}
        """.formatted(Loopback.HOST, mockPort, MockUpstream.API_KEY);
    Gateway gateway = Gateway.start(new ConfigLoader().parse(yaml, "overhead.yaml"),
        new Gateway.Options(Loopback.HOST, 0, 1)).await(60, TimeUnit.SECONDS);
    HttpClient client = load.createHttpClient(new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true),
        new PoolOptions().setHttp1MaxSize(concurrency));
    Buffer body = Buffer.buffer(Payloads.chatBody("bench", false, false));
    run(load, client, gateway.port(), body, warmup, concurrency).await(600, TimeUnit.SECONDS);
    double[] before = buckets(gateway.metrics().scrape());
    long start = System.nanoTime();
    run(load, client, gateway.port(), body, measured, concurrency).await(600, TimeUnit.SECONDS);
    double seconds = (System.nanoTime() - start) / 1e9;
    String scrape = gateway.metrics().scrape();
    if (System.getenv("OVERHEAD_DEBUG") != null) {
      scrape.lines().filter(l -> l.startsWith("litellm_overhead") || l.startsWith("litellm_llm_api_latency_metric_sum") || l.startsWith("litellm_request_total_latency_metric_sum")).forEach(System.out::println);
    }
    double[] after = buckets(scrape);
    double[] delta = new double[after.length];
    for (int i = 0; i < after.length; i++) {
      delta[i] = after[i] - (i < before.length ? before[i] : 0);
    }
    System.out.printf("%d requests in %.1f s (%.0f req/s, %d in flight, one event loop, one JVM)%n", measured,
        seconds, measured / seconds, concurrency);
    System.out.printf("litellm_overhead_latency_metric p50 %.0f µs, p99 %.0f µs%n",
        quantile(delta, 0.50) * 1e6, quantile(delta, 0.99) * 1e6);
    gateway.close().await(30, TimeUnit.SECONDS);
    load.close().await(30, TimeUnit.SECONDS);
  }

  private static Future<Void> run(Vertx vertx, HttpClient client, int port, Buffer body, int total, int concurrency) {
    AtomicLong sent = new AtomicLong();
    List<Future<Void>> lanes = new ArrayList<>();
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setHost(Loopback.HOST).setPort(port)
        .setURI("/v1/chat/completions").putHeader("content-type", "application/json")
        .putHeader("authorization", "Bearer sk-bench-master-0123456789");
    for (int i = 0; i < concurrency; i++) {
      Promise<Void> lane = Promise.promise();
      vertx.runOnContext(v -> next(client, options, body, sent, total, lane));
      lanes.add(lane.future());
    }
    return Future.all(lanes).mapEmpty();
  }

  private static void next(HttpClient client, RequestOptions options, Buffer body, AtomicLong sent, int total,
      Promise<Void> lane) {
    if (sent.incrementAndGet() > total) {
      lane.tryComplete();
      return;
    }
    client.request(options).compose(request -> request.send(body)).compose(response -> response.body())
        .onComplete(done -> next(client, options, body, sent, total, lane));
  }

  /** Cumulative counts per bucket, in the order of the bucket bounds, with the bounds in BOUNDS. */
  private static final List<Double> BOUNDS = new ArrayList<>();

  private static double[] buckets(String scrape) {
    BOUNDS.clear();
    List<Double> counts = new ArrayList<>();
    for (String line : scrape.split("\n")) {
      if (line.startsWith(METRIC)) {
        int le = line.indexOf("le=\"") + 4;
        String bound = line.substring(le, line.indexOf('"', le));
        BOUNDS.add(bound.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(bound));
        counts.add(Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)));
      }
    }
    return counts.stream().mapToDouble(Double::doubleValue).toArray();
  }

  /** Linear interpolation inside the bucket holding the quantile (Prometheus' histogram_quantile). */
  private static double quantile(double[] cumulative, double q) {
    double total = cumulative[cumulative.length - 1];
    double rank = q * total;
    for (int i = 0; i < cumulative.length; i++) {
      if (cumulative[i] >= rank) {
        double lower = i == 0 ? 0 : BOUNDS.get(i - 1);
        double upper = BOUNDS.get(i);
        if (Double.isInfinite(upper)) {
          return lower;
        }
        double below = i == 0 ? 0 : cumulative[i - 1];
        return lower + (upper - lower) * (rank - below) / Math.max(1, cumulative[i] - below);
      }
    }
    return Double.NaN;
  }
}
