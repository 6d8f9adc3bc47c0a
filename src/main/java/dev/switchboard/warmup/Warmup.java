package dev.switchboard.warmup;

import dev.switchboard.Gateway;
import dev.switchboard.config.ConfigLoader;
import dev.switchboard.config.GatewayConfig;
import dev.switchboard.tracing.Tracing;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Brings the request path up to full speed before a gateway reports ready. The JVM compiles hot
 * code only once it has run it many times, so a just-started gateway serves its first ten seconds
 * of load at a tenth of its speed. This runs a throwaway gateway of the same code in the same JVM
 * (no database, no Redis, no cluster, nothing the real one holds) against a provider on loopback
 * that answers at once, with a mix of chat, streamed chat, completions, embeddings and
 * {@code /v1/messages} calls, for a bounded time; the compiled code then serves the real gateway.
 * No real provider is called and nothing is written to the real gateway's spend, metrics or limits.
 */
public final class Warmup {

  /** Concurrent callers: enough to keep every event loop of the throwaway gateway busy. */
  private static final int CALLERS = 32;
  private static final Buffer CHAT = body(new JsonObject().put("messages", userMessage()).put("max_tokens", 16));
  private static final Buffer STREAM = body(new JsonObject().put("messages", userMessage()).put("max_tokens", 16)
      .put("stream", true).put("stream_options", new JsonObject().put("include_usage", true)));
  private static final Buffer TEXT = body(new JsonObject().put("prompt", "Warm up.").put("max_tokens", 16));
  private static final Buffer EMBEDDING = body(new JsonObject().put("input", "Warm up."));
  private static final Buffer MESSAGES = body(new JsonObject().put("messages", userMessage()).put("max_tokens", 16));

  /** What the warm-up did. */
  public record Outcome(long requests, long failed, double seconds) {
  }

  private Warmup() {
  }

  /**
   * @param seconds    how long to run the load (the gateway's start and stop come on top, ~1 s)
   * @param eventLoops the throwaway gateway's event loops (as many as the real one's)
   */
  public static Future<Outcome> run(double seconds, int eventLoops) {
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
    WarmupUpstream upstream = new WarmupUpstream(vertx);
    String masterKey = "sk-warmup-" + UUID.randomUUID();
    long start = System.nanoTime();
    // Completed off any Vert.x context: the warm-up's own Vert.x is closed as the outcome is handed over.
    Promise<Outcome> outcome = Promise.promise();
    upstream.start()
        .compose(port -> Gateway.start(config(port, masterKey), new Gateway.Options("127.0.0.1", 0, eventLoops),
            Tracing.OFF))
        .compose(gateway -> load(vertx, gateway.port(), masterKey, seconds).eventually(gateway::close))
        .map(counts -> new Outcome(counts[0], counts[1], (System.nanoTime() - start) / 1e9))
        .onComplete(done -> {
          upstream.stop().onComplete(stopped -> vertx.close());
          outcome.handle(done);
        });
    return outcome.future();
  }

  private static GatewayConfig config(int upstreamPort, String masterKey) {
    String yaml = String.join("\n",
        "model_list:",
        "  - model_name: warmup",
        "    litellm_params: {model: openai/warmup, api_base: \"http://127.0.0.1:" + upstreamPort + "/v1\", api_key: sk-warmup}",
        "    model_info: {input_cost_per_token: 0.000001, output_cost_per_token: 0.000002}",
        "general_settings: {master_key: " + masterKey + ", database_url: none}",
        "");
    return new ConfigLoader(name -> null).parse(yaml, "warm-up");
  }

  /** @return requests answered and requests failed */
  private static Future<long[]> load(Vertx vertx, int port, String masterKey, double seconds) {
    HttpClientAgent client = vertx.createHttpClient(new HttpClientOptions().setDefaultHost("127.0.0.1")
        .setDefaultPort(port), new PoolOptions().setHttp1MaxSize(CALLERS));
    long deadline = System.nanoTime() + (long) (seconds * 1e9);
    AtomicLong done = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    List<Future<Void>> callers = new ArrayList<>();
    for (int i = 0; i < CALLERS; i++) {
      Promise<Void> finished = Promise.promise();
      call(client, masterKey, i, deadline, done, failed, finished);
      callers.add(finished.future());
    }
    return Future.all(callers).eventually(client::close).map(all -> new long[] {done.get(), failed.get()});
  }

  /** One caller: a request at a time until the deadline, cycling through the kinds of call. */
  private static void call(HttpClientAgent client, String masterKey, int n, long deadline, AtomicLong done,
      AtomicLong failed, Promise<Void> finished) {
    if (System.nanoTime() >= deadline) {
      finished.complete();
      return;
    }
    String path;
    Buffer body;
    switch (n % 16) {
      case 3 -> { path = "/v1/completions"; body = TEXT; }
      case 7, 15 -> { path = "/v1/embeddings"; body = EMBEDDING; }
      case 11 -> { path = "/v1/messages"; body = MESSAGES; }
      case 1, 5, 9, 13 -> { path = "/v1/chat/completions"; body = STREAM; }
      default -> { path = "/v1/chat/completions"; body = CHAT; }
    }
    client.request(new RequestOptions().setMethod(HttpMethod.POST).setURI(path)
            .putHeader("authorization", "Bearer " + masterKey).putHeader("content-type", "application/json"))
        .compose(request -> request.send(body))
        .compose(response -> response.body().map(answer -> response.statusCode()))
        .onComplete(answered -> {
          if (answered.succeeded() && answered.result() == 200) {
            done.incrementAndGet();
          } else {
            failed.incrementAndGet();
          }
          call(client, masterKey, n + CALLERS + 1, deadline, done, failed, finished);
        });
  }

  private static JsonArray userMessage() {
    return new JsonArray().add(new JsonObject().put("role", "user").put("content", "Warm up."));
  }

  private static Buffer body(JsonObject fields) {
    return fields.put("model", "warmup").toBuffer();
  }
}
