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
 * Cohere's v2 API as strictly as the tests need: only POST /v2/chat, /v2/embed, /v2/rerank (and
 * GET /v1/models), the key as a bearer token (none or a wrong one: 401, as Cohere answers), unknown
 * fields and roles refused, errors in its {@code {"message": ...}} shape, streams as its typed
 * server-sent events. The model name picks a behaviour (see the constants).
 */
public final class CohereMock {

  public static final String KEY = "co-test-key-0123456789";
  public static final String NOT_FOUND = "command-missing";
  public static final String RATE_LIMITED = "command-rate-limited";
  public static final String RATE_LIMITED_NO_RETRY = "command-rate-limited-plain";
  public static final String TOO_LONG = "command-too-long";
  public static final String BROKEN = "command-broken";
  public static final String OVERLOADED = "command-overloaded";
  public static final String MID_STREAM_ERROR = "command-mid-stream-error";
  public static final String CUT_SHORT = "command-cut-short";
  /** One call whose arguments stream as {@link #HUGE_ARGUMENT_BYTES} of tool-call-delta events. */
  public static final String HUGE_TOOL = "command-huge-tool";
  public static final int HUGE_ARGUMENT_BYTES = 50 * 1024 * 1024;
  private static final int FRAGMENT_BYTES = 8 * 1024;

  private static final Set<String> CHAT_FIELDS = Set.of("model", "messages", "tools", "documents", "citation_options",
      "response_format", "safety_mode", "max_tokens", "stop_sequences", "temperature", "seed", "frequency_penalty",
      "presence_penalty", "k", "p", "return_prompt", "logprobs", "tool_choice", "strict_tools", "stream", "thinking");
  private static final Map<String, Set<String>> MESSAGE_FIELDS = Map.of(
      "system", Set.of("role", "content"),
      "user", Set.of("role", "content"),
      "assistant", Set.of("role", "content", "tool_calls", "tool_plan", "citations"),
      "tool", Set.of("role", "tool_call_id", "content"));
  private static final Set<String> EMBED_FIELDS = Set.of("model", "texts", "images", "inputs", "input_type",
      "embedding_types", "output_dimension", "max_tokens", "truncate");
  private static final Set<String> RERANK_FIELDS = Set.of("model", "query", "documents", "top_n", "max_tokens_per_doc");

  /** What the mock was sent: path, headers, body. */
  public record Received(String uri, MultiMap headers, JsonObject body) {
  }

  private final Vertx vertx;
  private final List<Received> received = new CopyOnWriteArrayList<>();
  private HttpServer server;

  public CohereMock(Vertx vertx) {
    this.vertx = vertx;
  }

  public Future<CohereMock> start() {
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
      String authorization = request.getHeader("authorization");
      boolean known = request.method() == HttpMethod.POST && Set.of("/v2/chat", "/v2/embed", "/v2/rerank").contains(path)
          || request.method() == HttpMethod.GET && "/v1/models".equals(path);
      if (!known) {
        error(response, 404, "{\"message\":\"Not Found\"}");
        return;
      }
      if (authorization == null) {
        error(response, 401, message("no api key supplied"));
        return;
      }
      if (!("Bearer " + KEY).equals(authorization)) {
        error(response, 401, message("invalid api token"));
        return;
      }
      if (request.method() == HttpMethod.GET) {
        response.putHeader("content-type", "application/json").end("{\"models\":[]}");
        return;
      }
      JsonObject body;
      try {
        body = new JsonObject(raw);
      } catch (RuntimeException notJson) {
        error(response, 400, message("invalid request: could not parse body as JSON"));
        return;
      }
      received.add(new Received(request.uri(), MultiMap.caseInsensitiveMultiMap().addAll(request.headers()), body));
      String problem = switch (path) {
        case "/v2/chat" -> chatProblem(body);
        case "/v2/embed" -> unknown(body, EMBED_FIELDS) != null ? "unknown field: " + unknown(body, EMBED_FIELDS)
            : body.getValue("input_type") == null ? "input_type is required for embed-v3 and newer models" : null;
        default -> unknown(body, RERANK_FIELDS) == null ? null : "unknown field: " + unknown(body, RERANK_FIELDS);
      };
      if (problem != null) {
        error(response, 400, message("invalid request: " + problem));
        return;
      }
      String model = body.getString("model");
      if (!failed(response, model)) {
        switch (path) {
          case "/v2/chat" -> {
            if (Boolean.TRUE.equals(body.getValue("stream"))) {
              stream(response, body, model);
            } else {
              response.putHeader("content-type", "application/json").end(CohereWire.answer(body, model).encode());
            }
          }
          case "/v2/embed" -> response.putHeader("content-type", "application/json").end(CohereWire.embeddings(body).encode());
          default -> response.putHeader("content-type", "application/json").end(CohereWire.rerank(body).encode());
        }
      }
    });
  }

  /** The error answers chosen by model name; false when the model answers normally. */
  private static boolean failed(HttpServerResponse response, String model) {
    switch (String.valueOf(model)) {
      case NOT_FOUND -> error(response, 404, message("model '" + model + "' not found, make sure the correct model ID was "
          + "used and that you have access to the model."));
      case RATE_LIMITED -> {
        response.putHeader("retry-after", "7");
        error(response, 429, message("You are past the per minute request limit, please wait and try again later."));
      }
      case RATE_LIMITED_NO_RETRY -> error(response, 429, message("You are using a Trial key, which is limited to 10 API "
          + "calls / minute. You can continue to use the Trial key for free or upgrade to a Production key."));
      case TOO_LONG -> error(response, 400, message("too many tokens: total number of tokens in the prompt cannot exceed "
          + "128000 - received 131072. Try using a shorter prompt, or enabling prompt truncating."));
      case BROKEN -> error(response, 500, message("internal server error, this has been reported to our developers"));
      case OVERLOADED -> error(response, 503, message("the model is overloaded, please try again later"));
      default -> {
        return false;
      }
    }
    return true;
  }

  private static void stream(HttpServerResponse response, JsonObject body, String model) {
    response.setChunked(true).putHeader("content-type", "text/event-stream");
    if (HUGE_TOOL.equals(model)) {
      write(response, new JsonObject().put("type", "message-start").put("id", "huge").put("delta", new JsonObject()));
      write(response, new JsonObject().put("type", "tool-call-start").put("index", 0).put("delta", new JsonObject()
          .put("message", new JsonObject().put("tool_calls", CohereWire.call("store_0", "store", "")))));
      writeArguments(response, "x".repeat(FRAGMENT_BYTES), HUGE_ARGUMENT_BYTES / FRAGMENT_BYTES);
      return;
    }
    for (JsonObject event : CohereWire.streamEvents(body, model)) {
      write(response, event);
    }
    response.end();
  }

  /** One fragment per event, as fast as the gateway reads and no faster. */
  private static void writeArguments(HttpServerResponse response, String fragment, int left) {
    int remaining = left;
    while (remaining > 0 && !response.closed()) {
      if (response.writeQueueFull()) {
        int resumeWith = remaining;
        response.drainHandler(v -> writeArguments(response, fragment, resumeWith));
        return;
      }
      write(response, CohereWire.argumentsDelta(0, fragment));
      remaining--;
    }
    if (!response.closed()) {
      write(response, new JsonObject().put("type", "tool-call-end").put("index", 0));
      write(response, CohereWire.end("TOOL_CALL", CohereWire.usage(5, HUGE_ARGUMENT_BYTES / 4)));
      response.end();
    }
  }

  private static void write(HttpServerResponse response, JsonObject event) {
    response.write("event: " + event.getString("type") + "\ndata: " + event.encode() + "\n\n");
  }

  private static String chatProblem(JsonObject body) {
    if (unknown(body, CHAT_FIELDS) != null) {
      return "unknown field: " + unknown(body, CHAT_FIELDS);
    }
    if (!(body.getValue("model") instanceof String) || !(body.getValue("messages") instanceof JsonArray messages)) {
      return "model and messages are required";
    }
    for (Object item : messages) {
      JsonObject message = (JsonObject) item;
      Set<String> fields = MESSAGE_FIELDS.get(String.valueOf(message.getValue("role")));
      if (fields == null) {
        return "invalid role: " + message.getValue("role");
      }
      if (unknown(message, fields) != null) {
        return "unknown field: message." + unknown(message, fields);
      }
    }
    Object choice = body.getValue("tool_choice");
    if (choice != null && !"REQUIRED".equals(choice) && !"NONE".equals(choice)) {
      return "tool_choice must be one of REQUIRED, NONE";
    }
    for (Object tool : body.getJsonArray("tools", new JsonArray())) {
      JsonObject function = ((JsonObject) tool).getJsonObject("function");
      if (!"function".equals(((JsonObject) tool).getString("type")) || function == null
          || unknown(function, Set.of("name", "description", "parameters")) != null) {
        return "invalid tool: " + tool;
      }
    }
    return null;
  }

  private static String unknown(JsonObject object, Set<String> known) {
    for (String field : object.fieldNames()) {
      if (!known.contains(field)) {
        return field;
      }
    }
    return null;
  }

  private static String message(String text) {
    return new JsonObject().put("message", text).encode();
  }

  private static void error(HttpServerResponse response, int status, String body) {
    response.setStatusCode(status).putHeader("content-type", "application/json").end(body);
  }
}
