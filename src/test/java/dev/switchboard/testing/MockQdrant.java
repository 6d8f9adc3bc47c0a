package dev.switchboard.testing;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A Qdrant REST server on loopback, strict about the shapes the semantic cache uses: collection
 * exists / create (vectors.size + distance), points upsert (id, vector of the collection's size,
 * payload), points search (vector, filter with match / range conditions, limit, score_threshold,
 * with_payload, params), points delete by filter; unknown fields, wrong sizes or a wrong
 * {@code api-key} are refused as Qdrant would (400 / 403, Qdrant's error body). Scores are cosine.
 */
public final class MockQdrant {

  private static final Set<String> CREATE_FIELDS = Set.of("vectors", "quantization_config", "shard_number",
      "replication_factor", "on_disk_payload", "hnsw_config", "optimizers_config");
  private static final Set<String> SEARCH_FIELDS = Set.of("vector", "filter", "params", "limit", "offset",
      "with_payload", "with_vector", "score_threshold");

  private record Collection(int size, String distance, Map<String, JsonObject> points) {
  }

  private final Vertx vertx;
  private final String apiKey;
  private final Map<String, Collection> collections = new ConcurrentHashMap<>();
  /** Every request: method, path, body (null for none). */
  public final List<JsonObject> received = new CopyOnWriteArrayList<>();
  private HttpServer server;

  public MockQdrant(Vertx vertx, String apiKey) {
    this.vertx = vertx;
    this.apiKey = apiKey;
  }

  public Future<MockQdrant> start() {
    return vertx.createHttpServer().requestHandler(this::handle).listen(0, "127.0.0.1").map(s -> {
      server = s;
      return this;
    });
  }

  public Future<Void> stop() {
    return server == null ? Future.succeededFuture() : server.close();
  }

  public String apiBase() {
    return "http://127.0.0.1:" + server.actualPort();
  }

  /** The collection's vector size and distance, or null when it does not exist. */
  public JsonObject collection(String name) {
    Collection c = collections.get(name);
    return c == null ? null : new JsonObject().put("size", c.size).put("distance", c.distance)
        .put("points", c.points.size());
  }

  private void handle(HttpServerRequest request) {
    request.body().onSuccess(bytes -> {
      JsonObject body = bytes.length() == 0 ? null : new JsonObject(bytes);
      received.add(new JsonObject().put("method", request.method().name()).put("path", request.path()).put("body", body)
          .put("api-key", request.getHeader("api-key")));
      if (apiKey != null && !apiKey.equals(request.getHeader("api-key"))) {
        request.response().setStatusCode(403).end("Invalid api-key");
        return;
      }
      try {
        answer(request, body);
      } catch (IllegalArgumentException bad) {
        fail(request, 400, "Format error in JSON body: " + bad.getMessage());
      }
    });
  }

  private void answer(HttpServerRequest request, JsonObject body) {
    String[] parts = request.path().split("/");
    // /collections/{name}[/exists | /points[/search | /delete]]
    if (parts.length < 3 || !"collections".equals(parts[1])) {
      fail(request, 404, "Not found");
      return;
    }
    String name = parts[2];
    String rest = String.join("/", java.util.Arrays.copyOfRange(parts, 3, parts.length));
    Collection collection = collections.get(name);
    HttpMethod method = request.method();
    if (method == HttpMethod.GET && rest.equals("exists")) {
      ok(request, new JsonObject().put("exists", collection != null));
    } else if (method == HttpMethod.PUT && rest.isEmpty()) {
      only(body, CREATE_FIELDS);
      JsonObject vectors = body.getJsonObject("vectors");
      if (vectors == null || !(vectors.getValue("size") instanceof Integer size) || size < 1
          || !Set.of("Cosine", "Euclid", "Dot", "Manhattan").contains(vectors.getString("distance"))) {
        throw new IllegalArgumentException("vectors: expected {size, distance}");
      }
      if (collection != null) {
        fail(request, 409, "Wrong input: Collection `" + name + "` already exists!");
        return;
      }
      collections.put(name, new Collection(size, vectors.getString("distance"), new ConcurrentHashMap<>()));
      ok(request, true);
    } else if (collection == null) {
      fail(request, 404, "Not found: Collection `" + name + "` doesn't exist!");
    } else if (method == HttpMethod.PUT && rest.equals("points")) {
      only(body, Set.of("points"));
      for (Object p : body.getJsonArray("points")) {
        JsonObject point = (JsonObject) p;
        only(point, Set.of("id", "vector", "payload"));
        Object id = point.getValue("id");
        if (!(id instanceof String text && text.matches("[0-9a-f-]{36}")) && !(id instanceof Number)) {
          throw new IllegalArgumentException("id: expected an unsigned integer or a UUID");
        }
        if (point.getJsonArray("vector").size() != collection.size) {
          fail(request, 400, "Wrong input: Vector dimension error: expected dim: " + collection.size + ", got "
              + point.getJsonArray("vector").size());
          return;
        }
        collection.points.put(String.valueOf(id), point);
      }
      ok(request, new JsonObject().put("operation_id", 1).put("status", "completed"));
    } else if (method == HttpMethod.POST && rest.equals("points/search")) {
      only(body, SEARCH_FIELDS);
      JsonArray vector = body.getJsonArray("vector");
      if (vector == null || !(body.getValue("limit") instanceof Integer limit)) {
        throw new IllegalArgumentException("missing field `vector` or `limit`");
      }
      if (vector.size() != collection.size) {
        fail(request, 400, "Wrong input: Vector dimension error: expected dim: " + collection.size);
        return;
      }
      Double threshold = body.getDouble("score_threshold");
      List<JsonObject> hits = new ArrayList<>();
      for (JsonObject point : collection.points.values()) {
        if (!matches(body.getJsonObject("filter"), point.getJsonObject("payload"))) {
          continue;
        }
        double score = cosine(vector, point.getJsonArray("vector"));
        if (threshold == null || score >= threshold) {
          JsonObject hit = new JsonObject().put("id", point.getValue("id")).put("version", 0).put("score", score);
          if (Boolean.TRUE.equals(body.getBoolean("with_payload"))) {
            hit.put("payload", point.getJsonObject("payload"));
          }
          hits.add(hit);
        }
      }
      hits.sort((a, b) -> Double.compare(b.getDouble("score"), a.getDouble("score")));
      ok(request, new JsonArray(hits.subList(0, Math.min(limit, hits.size()))));
    } else if (method == HttpMethod.POST && rest.equals("points/delete")) {
      only(body, Set.of("filter", "points"));
      collection.points.values().removeIf(point -> matches(body.getJsonObject("filter"), point.getJsonObject("payload")));
      ok(request, new JsonObject().put("operation_id", 2).put("status", "completed"));
    } else {
      fail(request, 404, "Not found");
    }
  }

  /** Qdrant's {@code must} conditions: {@code match.value} equality and {@code range} gt/gte/lt/lte. */
  private static boolean matches(JsonObject filter, JsonObject payload) {
    if (filter == null) {
      return true;
    }
    only(filter, Set.of("must", "should", "must_not"));
    for (Object c : filter.getJsonArray("must", new JsonArray())) {
      JsonObject condition = (JsonObject) c;
      only(condition, Set.of("key", "match", "range"));
      Object value = payload == null ? null : payload.getValue(condition.getString("key"));
      if (condition.containsKey("match")) {
        if (value == null || !value.equals(condition.getJsonObject("match").getValue("value"))) {
          return false;
        }
      } else if (condition.containsKey("range")) {
        JsonObject range = condition.getJsonObject("range");
        only(range, Set.of("gt", "gte", "lt", "lte"));
        if (!(value instanceof Number n)) {
          return false;
        }
        double v = n.doubleValue();
        if (range.containsKey("gt") && !(v > range.getDouble("gt")) || range.containsKey("gte") && !(v >= range.getDouble("gte"))
            || range.containsKey("lt") && !(v < range.getDouble("lt")) || range.containsKey("lte") && !(v <= range.getDouble("lte"))) {
          return false;
        }
      } else {
        throw new IllegalArgumentException("condition: expected match or range");
      }
    }
    return true;
  }

  private static void only(JsonObject object, Set<String> allowed) {
    if (object == null) {
      throw new IllegalArgumentException("expected a JSON object");
    }
    for (String field : object.fieldNames()) {
      if (!allowed.contains(field)) {
        throw new IllegalArgumentException("unknown field `" + field + "`");
      }
    }
  }

  private static double cosine(JsonArray a, JsonArray b) {
    double dot = 0;
    double na = 0;
    double nb = 0;
    for (int i = 0; i < a.size(); i++) {
      double x = a.getDouble(i);
      double y = b.getDouble(i);
      dot += x * y;
      na += x * x;
      nb += y * y;
    }
    return dot / Math.sqrt(na * nb);
  }

  private static void ok(HttpServerRequest request, Object result) {
    request.response().putHeader("content-type", "application/json")
        .end(new JsonObject().put("result", result).put("status", "ok").put("time", 0.0001).encode());
  }

  private static void fail(HttpServerRequest request, int status, String error) {
    request.response().setStatusCode(status).putHeader("content-type", "application/json")
        .end(new JsonObject().put("status", new JsonObject().put("error", error)).put("time", 0.0).encode());
  }
}
