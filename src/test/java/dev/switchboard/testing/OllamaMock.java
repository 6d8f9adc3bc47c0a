package dev.switchboard.testing;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Ollama's native API as strictly as the tests need: only GET {@code /api/tags} and POST {@code /api/chat},
 * {@code /api/generate} and {@code /api/embed}, unknown top-level, option and message fields
 * refused, errors as Ollama sends them ({@code {"error":"..."}}), streams as NDJSON. The model name
 * picks a behaviour (see the constants); the answers are in {@link OllamaWire}.
 */
public final class OllamaMock {

  public static final String MISSING = "missing-model";
  public static final String BAD = "bad-request";
  public static final String BROKEN = "broken";
  /** Streams one line, then an {@code {"error":...}} line. */
  public static final String MID_STREAM_ERROR = "mid-stream-error";
  /** Streams one line, then closes the connection before the done line. */
  public static final String CUT = "cut";
  /** Streams one line, then ends the response properly but without the done line. */
  public static final String ENDS_EARLY = "ends-early";
  /** Stops at the token limit: done_reason length. */
  public static final String SHORT = "short";
  /** One tool call per line, {@link #HUGE_ARGUMENT_BYTES} of arguments in all. */
  public static final String HUGE_TOOL = "huge-tool";
  public static final int HUGE_ARGUMENT_BYTES = 50 * 1024 * 1024;
  static final int FRAGMENT_BYTES = 8 * 1024;

  private static final Map<String, Set<String>> FIELDS = Map.of(
      "/api/chat", Set.of("model", "messages", "tools", "format", "options", "stream", "keep_alive", "think"),
      "/api/generate", Set.of("model", "prompt", "suffix", "images", "format", "options", "system", "template", "stream",
          "raw", "keep_alive", "context", "think"),
      "/api/embed", Set.of("model", "input", "truncate", "options", "keep_alive", "dimensions"));
  private static final Set<String> OPTIONS = Set.of("temperature", "top_p", "top_k", "num_predict", "stop", "seed",
      "presence_penalty", "frequency_penalty", "num_ctx", "repeat_penalty");
  private static final Set<String> MESSAGE_FIELDS = Set.of("role", "content", "thinking", "images", "tool_calls", "tool_name");

  /** What the mock was sent. */
  public record Received(String path, MultiMap headers, JsonObject body) {
  }

  private final Vertx vertx;
  private final List<Received> received = new CopyOnWriteArrayList<>();
  private HttpServer server;

  public OllamaMock(Vertx vertx) {
    this.vertx = vertx;
  }

  public Future<OllamaMock> start() {
    server = vertx.createHttpServer().requestHandler(this::handle);
    return server.listen(0, "127.0.0.1").map(this);
  }

  public Future<Void> stop() {
    return server == null ? Future.succeededFuture() : server.close();
  }

  public int port() {
    return server.actualPort();
  }

  public List<Received> received() {
    return received;
  }

  public Received last() {
    return received.isEmpty() ? null : received.get(received.size() - 1);
  }

  private void handle(HttpServerRequest request) {
    request.body().onSuccess(raw -> {
      HttpServerResponse response = request.response();
      String path = request.path();
      if (request.method() == HttpMethod.GET && "/api/tags".equals(path)) {
        response.putHeader("content-type", "application/json").end(new JsonObject().put("models",
            new io.vertx.core.json.JsonArray().add(new JsonObject().put("name", "llama3.2:3b").put("model", "llama3.2:3b")))
            .encode());
        return;
      }
      if (request.method() != HttpMethod.POST || !FIELDS.containsKey(path)) {
        response.setStatusCode(404).putHeader("content-type", "text/plain").end("404 page not found");
        return;
      }
      JsonObject body;
      try {
        body = new JsonObject(raw);
      } catch (RuntimeException notJson) {
        error(response, 400, "invalid character in request body");
        return;
      }
      received.add(new Received(path, MultiMap.caseInsensitiveMultiMap().addAll(request.headers()), body));
      String unknown = unknownField(path, body);
      if (unknown != null) {
        error(response, 400, "json: unknown field \"" + unknown + "\"");
        return;
      }
      String model = body.getString("model", "");
      switch (model) {
        case MISSING -> error(response, 404, "model \"" + model + "\" not found, try pulling it first");
        case BAD -> error(response, 400, "invalid options: num_predict must be a number");
        case BROKEN -> error(response, 500, "llama runner process has terminated: exit status 2");
        default -> answer(request, response, path, body, model);
      }
    });
  }

  private static void answer(HttpServerRequest request, HttpServerResponse response, String path, JsonObject body,
      String model) {
    if ("/api/embed".equals(path)) {
      json(response, OllamaWire.embeddings(body));
      return;
    }
    boolean chat = "/api/chat".equals(path);
    if (!Boolean.TRUE.equals(body.getValue("stream", true))) { // Ollama streams unless told not to
      json(response, OllamaWire.answer(body, model, chat));
      return;
    }
    response.setChunked(true).putHeader("content-type", "application/x-ndjson");
    if (HUGE_TOOL.equals(model)) {
      writeCalls(response, model, "x".repeat(FRAGMENT_BYTES), HUGE_ARGUMENT_BYTES / FRAGMENT_BYTES);
      return;
    }
    List<JsonObject> lines = OllamaWire.streamLines(body, model, chat);
    if (CUT.equals(model) || MID_STREAM_ERROR.equals(model) || ENDS_EARLY.equals(model)) {
      Future<Void> written = response.write(lines.get(0).encode() + "\n");
      if (CUT.equals(model)) {
        // Written first, so the client sees the line and then the connection go, with no done line.
        written.onComplete(v -> request.connection().close());
      } else if (ENDS_EARLY.equals(model)) {
        response.end();
      } else {
        response.end(new JsonObject().put("error", "an error was encountered while running the model: unexpected EOF")
            .encode() + "\n");
      }
      return;
    }
    for (JsonObject line : lines) {
      response.write(line.encode() + "\n");
    }
    response.end();
  }

  /** One call per line, as fast as the gateway reads and no faster. */
  private static void writeCalls(HttpServerResponse response, String model, String argument, int left) {
    int remaining = left;
    while (remaining > 0 && !response.closed()) {
      if (response.writeQueueFull()) {
        int resumeWith = remaining;
        response.drainHandler(v -> writeCalls(response, model, argument, resumeWith));
        return;
      }
      JsonObject call = new JsonObject().put("function", new JsonObject().put("name", "store")
          .put("arguments", new JsonObject().put("blob", argument)));
      response.write(OllamaWire.chatLine(model, new JsonObject().put("role", "assistant").put("content", "")
          .put("tool_calls", new JsonArray().add(call))).encode() + "\n");
      remaining--;
    }
    if (!response.closed()) {
      response.end(OllamaWire.done(OllamaWire.chatLine(model, new JsonObject().put("role", "assistant").put("content", "")),
          "stop", 5, HUGE_ARGUMENT_BYTES / 4).encode() + "\n");
    }
  }

  private static String unknownField(String path, JsonObject body) {
    for (String field : body.fieldNames()) {
      if (!FIELDS.get(path).contains(field)) {
        return field;
      }
    }
    if (body.getValue("options") instanceof JsonObject options) {
      for (String field : options.fieldNames()) {
        if (!OPTIONS.contains(field)) {
          return "options." + field;
        }
      }
    }
    for (Object item : body.getJsonArray("messages", new JsonArray())) {
      JsonObject message = (JsonObject) item;
      for (String field : message.fieldNames()) {
        if (!MESSAGE_FIELDS.contains(field)) {
          return "messages." + field;
        }
      }
      if (!(message.getValue("content") instanceof String)) {
        return "messages.content (not a string)";
      }
    }
    return null;
  }

  private static void json(HttpServerResponse response, JsonObject body) {
    response.putHeader("content-type", "application/json; charset=utf-8").end(body.encode());
  }

  static void error(HttpServerResponse response, int status, String message) {
    response.setStatusCode(status).putHeader("content-type", "application/json; charset=utf-8")
        .end(new JsonObject().put("error", message).encode());
  }
}
