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
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Google AI Studio's Gemini API as strictly as the tests need: only its three POST paths, the key
 * in {@code x-goog-api-key} (none: 403, a wrong one: 400 API_KEY_INVALID, as Gemini answers),
 * unknown fields refused as Gemini's proto parser refuses them, errors in its
 * {@code {"error":{code,message,status}}} shape. The model name picks a behaviour (see the constants).
 */
public final class GeminiMock {

  public static final String KEY = "AIza-test-key-0123456789";
  public static final String NOT_FOUND = "gemini-9-missing";
  public static final String FORBIDDEN = "gemini-forbidden";
  public static final String RATE_LIMITED = "gemini-rate-limited";
  public static final String TOO_LONG = "gemini-too-long";
  public static final String BROKEN = "gemini-broken";
  public static final String OVERLOADED = "gemini-overloaded";
  public static final String MID_STREAM_ERROR = "gemini-mid-stream-error";
  public static final String BLOCKED = "gemini-blocked";
  /** A stream of one functionCall after another, {@link #HUGE_ARGUMENT_BYTES} of arguments in all. */
  public static final String HUGE_TOOL = "gemini-huge-tool";
  public static final int HUGE_ARGUMENT_BYTES = 50 * 1024 * 1024;
  private static final int FRAGMENT_BYTES = 8 * 1024;

  static final JsonObject TOOL_ARGS = new JsonObject().put("city", "Paris").put("unit", "celsius");
  private static final Set<String> REQUEST_FIELDS = Set.of("contents", "systemInstruction", "generationConfig", "tools",
      "toolConfig", "safetySettings", "cachedContent");
  private static final Set<String> CONFIG_FIELDS = Set.of("stopSequences", "responseMimeType", "responseSchema",
      "candidateCount", "maxOutputTokens", "temperature", "topP", "topK", "seed", "presencePenalty", "frequencyPenalty",
      "thinkingConfig");
  private static final Set<String> PART_FIELDS = Set.of("text", "inlineData", "fileData", "functionCall", "functionResponse",
      "thought");
  private static final Set<String> EMBED_FIELDS = Set.of("model", "content", "taskType", "title", "outputDimensionality");

  /** What the mock was sent: path with query, headers, body. */
  public record Received(String uri, MultiMap headers, JsonObject body) {
  }

  private final Vertx vertx;
  private final List<Received> received = new CopyOnWriteArrayList<>();
  private HttpServer server;

  public GeminiMock(Vertx vertx) {
    this.vertx = vertx;
  }

  public Future<GeminiMock> start() {
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
      int colon = path.lastIndexOf(':');
      if (request.method() == HttpMethod.GET && "/v1beta/models".equals(path)) {
        // The model list, as switchboard doctor probes it.
        if (!KEY.equals(request.getHeader("x-goog-api-key"))) {
          error(response, request.getHeader("x-goog-api-key") == null ? 403 : 400, "PERMISSION_DENIED", "no valid key");
        } else {
          response.putHeader("content-type", "application/json").end("{\"models\":[]}");
        }
        return;
      }
      if (request.method() != HttpMethod.POST || !path.startsWith("/v1beta/models/") || colon < 0) {
        error(response, 404, "NOT_FOUND", "The requested URL " + path + " was not found on this server.");
        return;
      }
      String model = path.substring("/v1beta/models/".length(), colon);
      String method = path.substring(colon + 1);
      String key = request.getHeader("x-goog-api-key");
      if (key == null) {
        error(response, 403, "PERMISSION_DENIED", "Method doesn't allow unregistered callers (callers without established "
            + "identity). Please use API Key or other form of API consumer identity to call this API.");
        return;
      }
      if (!KEY.equals(key)) {
        error(response, 400, "INVALID_ARGUMENT", "API key not valid. Please pass a valid API key.");
        return;
      }
      JsonObject body;
      try {
        body = new JsonObject(raw);
      } catch (RuntimeException notJson) {
        error(response, 400, "INVALID_ARGUMENT", "Invalid JSON payload received.");
        return;
      }
      received.add(new Received(request.uri(), MultiMap.caseInsensitiveMultiMap().addAll(request.headers()), body));
      String unknown = switch (method) {
        case "generateContent", "streamGenerateContent" -> unknownChatField(body);
        case "batchEmbedContents" -> unknownEmbedField(body, model);
        default -> "method " + method;
      };
      if (unknown != null) {
        error(response, 400, "INVALID_ARGUMENT", "Invalid JSON payload received. Unknown name \"" + unknown + "\": Cannot find field.");
        return;
      }
      if ("streamGenerateContent".equals(method) && !"sse".equals(request.getParam("alt"))) {
        error(response, 400, "INVALID_ARGUMENT", "this mock streams only with alt=sse");
        return;
      }
      if (!failed(response, model)) {
        switch (method) {
          case "generateContent" -> response.putHeader("content-type", "application/json").end(GeminiWire.answer(body, model).encode());
          case "streamGenerateContent" -> stream(response, body, model);
          default -> response.putHeader("content-type", "application/json").end(GeminiWire.embeddings(body).encode());
        }
      }
    });
  }

  /** The error answers chosen by model name; false when the model answers normally. */
  static boolean failed(HttpServerResponse response, String model) {
    switch (model) {
      case NOT_FOUND -> error(response, 404, "NOT_FOUND", "models/" + model + " is not found for API version v1beta, or is not "
          + "supported for generateContent.");
      case FORBIDDEN -> error(response, 403, "PERMISSION_DENIED", "Generative Language API has not been used in project 42 "
          + "before or it is disabled.");
      case RATE_LIMITED -> // Gemini says when to retry in the body only, as a RetryInfo detail.
          response.setStatusCode(429).putHeader("content-type", "application/json").end(new JsonObject().put("error", new JsonObject()
              .put("code", 429).put("status", "RESOURCE_EXHAUSTED")
              .put("message", "You exceeded your current quota, please check your plan and billing details.")
              .put("details", new JsonArray().add(new JsonObject().put("@type", "type.googleapis.com/google.rpc.RetryInfo")
                  .put("retryDelay", "6.2s")))).encode());
      case TOO_LONG -> error(response, 400, "INVALID_ARGUMENT",
          "The input token count (1200000) exceeds the maximum number of tokens allowed (1048576).");
      case BROKEN -> error(response, 500, "INTERNAL", "An internal error has occurred.");
      case OVERLOADED -> error(response, 503, "UNAVAILABLE", "The model is overloaded. Please try again later.");
      default -> {
        return false;
      }
    }
    return true;
  }

  static void stream(HttpServerResponse response, JsonObject body, String model) {
    response.setChunked(true).putHeader("content-type", "text/event-stream");
    if (HUGE_TOOL.equals(model)) {
      writeCalls(response, "x".repeat(FRAGMENT_BYTES), HUGE_ARGUMENT_BYTES / FRAGMENT_BYTES);
      return;
    }
    for (JsonObject event : GeminiWire.streamEvents(body, model)) {
      response.write("data: " + event.encode() + "\r\n\r\n");
    }
    if (MID_STREAM_ERROR.equals(model)) {
      response.write("data: " + new JsonObject().put("error", new JsonObject().put("code", 503)
          .put("message", "The model is overloaded. Please try again later.").put("status", "UNAVAILABLE")).encode() + "\r\n\r\n");
    }
    response.end();
  }

  /** One call per event, as fast as the gateway reads and no faster. */
  private static void writeCalls(HttpServerResponse response, String argument, int left) {
    int remaining = left;
    while (remaining > 0 && !response.closed()) {
      if (response.writeQueueFull()) {
        int resumeWith = remaining;
        response.drainHandler(v -> writeCalls(response, argument, resumeWith));
        return;
      }
      JsonObject call = new JsonObject().put("functionCall", new JsonObject().put("name", "store")
          .put("args", new JsonObject().put("blob", argument)));
      response.write("data: " + GeminiWire.event(new JsonArray().add(call), null, null).encode() + "\r\n\r\n");
      remaining--;
    }
    if (!response.closed()) {
      response.end("data: " + GeminiWire.event(new JsonArray(), "STOP", GeminiWire.usage(5, HUGE_ARGUMENT_BYTES / 4, 0, 0)).encode()
          + "\r\n\r\n");
    }
  }

  static String unknownChatField(JsonObject body) {
    for (String field : body.fieldNames()) {
      if (!REQUEST_FIELDS.contains(field)) {
        return field;
      }
    }
    if (body.getValue("generationConfig") instanceof JsonObject config) {
      for (String field : config.fieldNames()) {
        if (!CONFIG_FIELDS.contains(field)) {
          return "generation_config." + field;
        }
      }
    }
    for (Object item : body.getJsonArray("contents", new JsonArray())) {
      JsonObject content = (JsonObject) item;
      if (!Set.of("user", "model").contains(content.getString("role"))) {
        return "role " + content.getString("role");
      }
      for (Object part : content.getJsonArray("parts", new JsonArray())) {
        for (String field : ((JsonObject) part).fieldNames()) {
          if (!PART_FIELDS.contains(field)) {
            return "contents.parts." + field;
          }
        }
      }
    }
    return null;
  }

  private static String unknownEmbedField(JsonObject body, String model) {
    for (String field : body.fieldNames()) {
      if (!"requests".equals(field)) {
        return field;
      }
    }
    for (Object item : body.getJsonArray("requests", new JsonArray())) {
      JsonObject request = (JsonObject) item;
      for (String field : request.fieldNames()) {
        if (!EMBED_FIELDS.contains(field)) {
          return "requests." + field;
        }
      }
      if (!("models/" + model).equals(request.getString("model"))) {
        return "requests.model " + request.getString("model");
      }
    }
    return null;
  }

  static void error(HttpServerResponse response, int status, String statusName, String message) {
    response.setStatusCode(status).putHeader("content-type", "application/json").end(new JsonObject()
        .put("error", new JsonObject().put("code", status).put("message", message).put("status", statusName)).encode());
  }
}
