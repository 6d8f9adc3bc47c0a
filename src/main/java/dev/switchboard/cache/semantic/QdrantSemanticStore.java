package dev.switchboard.cache.semantic;

import dev.switchboard.config.SemanticCacheSettings;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;

/**
 * {@code type: qdrant-semantic}, over Qdrant's REST API with the {@code api-key} header. The
 * collection is created on first use when missing (cosine distance, the embedding's size or
 * {@code qdrant_semantic_cache_vector_size}, LiteLLM's quantization presets). A point's payload holds
 * LiteLLM's {@code text} and {@code response} plus the partition and expiry a search filters on:
 * Qdrant has no TTL, so an expired point is never returned and {@code /cache/flushall} removes them.
 */
final class QdrantSemanticStore implements SemanticStore {

  private static final long CALL_TIMEOUT_MS = 2000;
  /** Marks the points this gateway wrote, so a flush never touches anyone else's in a shared collection. */
  private static final String MARK = "switchboard";

  private final SemanticCacheSettings settings;
  private final HttpClient http;
  private final String collectionPath;
  private final LongSupplier clockMillis;
  private final AtomicReference<Future<Void>> ready = new AtomicReference<>();

  QdrantSemanticStore(Vertx vertx, SemanticCacheSettings settings, LongSupplier clockMillis) {
    this.settings = settings;
    this.clockMillis = clockMillis;
    this.http = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout((int) CALL_TIMEOUT_MS));
    this.collectionPath = settings.qdrantApiBase() + "/collections/" + settings.collection();
  }

  @Override
  public Future<Match> nearest(String partition, float[] vector, double threshold) {
    JsonObject search = new JsonObject().put("vector", Vectors.json(vector))
        .put("filter", new JsonObject().put("must", new JsonArray()
            .add(new JsonObject().put("key", "partition").put("match", new JsonObject().put("value", partition)))
            .add(new JsonObject().put("key", "expires_at")
                .put("range", new JsonObject().put("gt", clockMillis.getAsLong())))))
        .put("params", new JsonObject().put("quantization",
            new JsonObject().put("ignore", false).put("rescore", true).put("oversampling", 3.0)))
        .put("limit", 1).put("with_payload", true).put("score_threshold", threshold);
    return collection(vector.length)
        .compose(v -> call(HttpMethod.POST, collectionPath + "/points/search", search))
        .map(answer -> {
          JsonArray found = answer.getJsonArray("result");
          if (found == null || found.isEmpty()) {
            return null;
          }
          JsonObject best = found.getJsonObject(0);
          double score = best.getDouble("score");
          JsonObject payload = best.getJsonObject("payload");
          if (score < threshold || payload == null || payload.getString("response") == null) {
            return null; // LiteLLM's own check, kept should a server ignore score_threshold
          }
          return new Match(new SemanticStore.Answer(Buffer.buffer(payload.getString("response")),
              payload.getLong("stored_at", 0L)), score);
        });
  }

  @Override
  public Future<Void> put(String partition, float[] vector, String prompt, SemanticStore.Answer entry, long ttlMillis) {
    JsonObject point = new JsonObject().put("id", UUID.randomUUID().toString()).put("vector", Vectors.json(vector))
        .put("payload", new JsonObject().put("text", prompt).put("response", entry.body().toString())
            .put("partition", partition).put("stored_at", entry.storedAtMillis())
            .put("expires_at", entry.storedAtMillis() + Math.max(1, ttlMillis)).put(MARK, true));
    return collection(vector.length)
        .compose(v -> call(HttpMethod.PUT, collectionPath + "/points?wait=true",
            new JsonObject().put("points", new JsonArray().add(point))))
        .mapEmpty();
  }

  @Override
  public Future<Void> flush() {
    JsonObject mine = new JsonObject().put("filter", new JsonObject().put("must", new JsonArray()
        .add(new JsonObject().put("key", MARK).put("match", new JsonObject().put("value", true)))));
    return exists().compose(exists -> exists
        ? call(HttpMethod.POST, collectionPath + "/points/delete?wait=true", mine).mapEmpty()
        : Future.succeededFuture());
  }

  @Override
  public Future<Void> ping() {
    return exists().mapEmpty();
  }

  @Override
  public Future<Void> close() {
    return http.close();
  }

  private Future<Boolean> exists() {
    return call(HttpMethod.GET, collectionPath + "/exists", null)
        .map(answer -> answer.getJsonObject("result", new JsonObject()).getBoolean("exists", false));
  }

  /** The collection, created once when missing; a failure is forgotten so the next call tries again. */
  private Future<Void> collection(int size) {
    Future<Void> current = ready.get();
    if (current != null) {
      return current;
    }
    if (settings.vectorSize() != null && settings.vectorSize() != size) {
      return Future.failedFuture("the embedding model answered " + size + " dimensions, but "
          + "qdrant_semantic_cache_vector_size is " + settings.vectorSize());
    }
    Future<Void> made = exists().compose(exists -> exists ? Future.<Void>succeededFuture()
        : call(HttpMethod.PUT, collectionPath, new JsonObject()
            .put("vectors", new JsonObject().put("size", size).put("distance", "Cosine"))
            .put("quantization_config", quantization())).mapEmpty());
    if (!ready.compareAndSet(null, made)) {
      return ready.get();
    }
    return made.onFailure(failure -> ready.compareAndSet(made, null));
  }

  /** LiteLLM's presets for {@code qdrant_quantization_config}. */
  private JsonObject quantization() {
    return switch (settings.quantization()) {
      case "scalar" -> new JsonObject().put("scalar",
          new JsonObject().put("type", "int8").put("quantile", 0.99).put("always_ram", false));
      case "product" -> new JsonObject().put("product",
          new JsonObject().put("compression", "x16").put("always_ram", false));
      default -> new JsonObject().put("binary", new JsonObject().put("always_ram", false));
    };
  }

  /** One REST call: its JSON answer, or a failure naming the status (never the api key). */
  private Future<JsonObject> call(HttpMethod method, String url, JsonObject body) {
    RequestOptions options = new RequestOptions().setMethod(method).setAbsoluteURI(url)
        .putHeader("content-type", "application/json");
    if (settings.qdrantApiKey() != null) {
      options.putHeader("api-key", settings.qdrantApiKey());
    }
    return http.request(options)
        .compose(request -> body == null ? request.send() : request.send(body.toBuffer()))
        .compose(response -> response.body().compose(bytes -> {
          if (response.statusCode() / 100 != 2) {
            String text = bytes.toString();
            return Future.failedFuture("Qdrant answered " + response.statusCode() + " to " + method + " "
                + url.substring(settings.qdrantApiBase().length()) + ": "
                + (text.length() > 200 ? text.substring(0, 200) : text));
          }
          return Future.succeededFuture(new JsonObject(bytes));
        }))
        .timeout(CALL_TIMEOUT_MS, TimeUnit.MILLISECONDS);
  }
}
