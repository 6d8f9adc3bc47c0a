package dev.switchboard.bench;

import dev.switchboard.Gateway;
import dev.switchboard.config.ConfigLoader;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Embedding throughput through the gateway with and without micro-batching, against a provider
 * that, like real ones, costs a fixed time per call ({@link #CALL_MS}) plus a little per input and
 * serves a bounded number of calls at once ({@link #PROVIDER_CONCURRENCY}). One operation is a
 * wave of {@link #WAVE} concurrent single-input requests; throughput = WAVE × ops/s.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class EmbeddingBatchingBenchmark {

  static final int WAVE = 64;
  static final long CALL_MS = 20;
  static final int PROVIDER_CONCURRENCY = 8;

  @Param({"batched", "unbatched"})
  public String model;

  private Vertx vertx;
  private HttpServer provider;
  private Gateway gateway;
  private HttpClient client;
  private int busyCalls;
  private final List<Runnable> waiting = new ArrayList<>();

  @Setup
  public void start() throws Exception {
    vertx = Vertx.vertx();
    provider = await(vertx.createHttpServer().requestHandler(request -> request.body().onSuccess(body -> {
      JsonArray inputs = body.toJsonObject().getValue("input") instanceof JsonArray list ? list : new JsonArray().add("x");
      Runnable answer = () -> vertx.setTimer(CALL_MS + inputs.size() / 10, id -> {
        JsonArray data = new JsonArray();
        for (int i = 0; i < inputs.size(); i++) {
          data.add(new JsonObject().put("object", "embedding").put("index", i).put("embedding", new JsonArray().add(0.1).add(0.2)));
        }
        request.response().putHeader("content-type", "application/json").end(new JsonObject().put("object", "list")
            .put("data", data).put("usage", new JsonObject().put("prompt_tokens", inputs.size()).put("total_tokens", inputs.size()))
            .encode());
        release();
      });
      acquire(answer);
    })).listen(0, "127.0.0.1"));
    String apiBase = "http://127.0.0.1:" + provider.actualPort() + "/v1";
    gateway = await(Gateway.start(new ConfigLoader(name -> null).parse("""
        model_list:
          - model_name: batched
            litellm_params: {model: openai/e, api_base: "%1$s", api_key: sk-b, batch: {max_batch_size: 32, batch_timeout_ms: 5}}
          - model_name: unbatched
            litellm_params: {model: openai/e, api_base: "%1$s", api_key: sk-b}
        general_settings: {database_url: none}
        """.formatted(apiBase), "bench.yaml"), new Gateway.Options("127.0.0.1", 0, 1)));
    client = vertx.createHttpClient(new PoolOptions().setHttp1MaxSize(WAVE));
  }

  /** The provider serves a few calls at once and queues the rest, as rate-limited APIs do. */
  private void acquire(Runnable call) {
    if (busyCalls < PROVIDER_CONCURRENCY) {
      busyCalls++;
      call.run();
    } else {
      waiting.add(call);
    }
  }

  private void release() {
    if (waiting.isEmpty()) {
      busyCalls--;
    } else {
      waiting.remove(0).run();
    }
  }

  @TearDown
  public void stop() throws Exception {
    await(gateway.close());
    await(vertx.close());
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }

  @Benchmark
  public int wave() throws Exception {
    Buffer body = new JsonObject().put("model", model).put("input", "embed me").toBuffer();
    List<Future<Integer>> calls = new ArrayList<>(WAVE);
    for (int i = 0; i < WAVE; i++) {
      calls.add(client.request(HttpMethod.POST, gateway.port(), "127.0.0.1", "/v1/embeddings")
          .compose(request -> request.putHeader("content-type", "application/json").send(body))
          .compose(response -> response.body().map(ok -> response.statusCode())));
    }
    await(Future.all(calls));
    for (Future<Integer> call : calls) {
      if (call.result() != 200) {
        throw new IllegalStateException("embedding call failed with " + call.result());
      }
    }
    return calls.size();
  }
}
