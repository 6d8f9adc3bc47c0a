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
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Google's OAuth token endpoint and Vertex AI's model paths, strictly: {@code POST /token} takes
 * only a JWT-bearer assertion whose RS256 signature verifies with the test's public key (else 400
 * invalid_grant, as Google answers a deleted key); the model paths take only a token it issued
 * (none or another: 401 UNAUTHENTICATED), only the configured project (403), refuse unknown
 * fields, and answer as Gemini (publishers/google) or Anthropic (publishers/anthropic) do. Gemini
 * model names of {@link GeminiMock} pick its error answers.
 */
public final class VertexMock {

  public static final String PROJECT = "proj-vertex-1";
  /** A Claude model whose stream fails after its first text, as {@link MockProvider#MID_STREAM_ERROR}'s does. */
  public static final String CLAUDE_MID_STREAM_ERROR = "claude-mid-stream-error";
  private static final Pattern MODEL_PATH = Pattern.compile(
      "/v1/projects/([^/]+)/locations/([^/]+)/publishers/(google|anthropic)/models/([^/:]+):([A-Za-z]+)");
  private static final Set<String> ANTHROPIC_FIELDS = Set.of("anthropic_version", "messages", "system", "max_tokens",
      "metadata", "stop_sequences", "stream", "temperature", "top_p", "top_k", "tools", "tool_choice", "thinking");

  /** What the mock was sent at a model path: path with query, headers, body. */
  public record Received(String uri, MultiMap headers, JsonObject body) {
  }

  private final Vertx vertx;
  private final PublicKey publicKey;
  private final String clientEmail;
  private final AtomicInteger tokenRequests = new AtomicInteger();
  private final Set<String> issued = ConcurrentHashMap.newKeySet();
  private final List<Received> received = new CopyOnWriteArrayList<>();
  private HttpServer server;

  public VertexMock(Vertx vertx, PublicKey publicKey, String clientEmail) {
    this.vertx = vertx;
    this.publicKey = publicKey;
    this.clientEmail = clientEmail;
  }

  public Future<VertexMock> start() {
    server = vertx.createHttpServer().requestHandler(this::handle);
    return server.listen(0, "127.0.0.1").map(this);
  }

  public Future<Void> stop() {
    return server == null ? Future.succeededFuture() : server.close();
  }

  public int port() {
    return server.actualPort();
  }

  public String tokenUri() {
    return "http://127.0.0.1:" + port() + "/token";
  }

  /** The n-th access token issued. */
  public static String token(int n) {
    return "ya29.vertex-test-" + n;
  }

  public int tokenRequests() {
    return tokenRequests.get();
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
      if ("/token".equals(request.path())) {
        token(request, raw.toString());
        return;
      }
      Matcher path = MODEL_PATH.matcher(request.path());
      if (request.method() != HttpMethod.POST || !path.matches()) {
        GeminiMock.error(response, 404, "NOT_FOUND", "The requested URL " + request.path() + " was not found on this server.");
        return;
      }
      String authorization = request.getHeader("authorization");
      if (authorization == null || !authorization.startsWith("Bearer ") || !issued.contains(authorization.substring(7))) {
        GeminiMock.error(response, 401, "UNAUTHENTICATED", "Request had invalid authentication credentials. Expected "
            + "OAuth 2 access token, login cookie or other valid authentication credential.");
        return;
      }
      if (!PROJECT.equals(path.group(1))) {
        GeminiMock.error(response, 403, "PERMISSION_DENIED", "Permission denied on resource project " + path.group(1) + ".");
        return;
      }
      JsonObject body;
      try {
        body = new JsonObject(raw);
      } catch (RuntimeException notJson) {
        GeminiMock.error(response, 400, "INVALID_ARGUMENT", "Invalid JSON payload received.");
        return;
      }
      received.add(new Received(request.uri(), MultiMap.caseInsensitiveMultiMap().addAll(request.headers()), body));
      if ("anthropic".equals(path.group(3))) {
        anthropic(request, response, body, path.group(4), path.group(5));
      } else {
        google(request, response, body, path.group(4), path.group(5));
      }
    });
  }

  private void google(HttpServerRequest request, HttpServerResponse response, JsonObject body, String model, String method) {
    String unknown = switch (method) {
      case "generateContent", "streamGenerateContent" -> GeminiMock.unknownChatField(body);
      case "predict" -> unknownPredictField(body);
      default -> "method " + method;
    };
    if (unknown != null) {
      GeminiMock.error(response, 400, "INVALID_ARGUMENT", "Invalid JSON payload received. Unknown name \"" + unknown
          + "\": Cannot find field.");
      return;
    }
    if ("streamGenerateContent".equals(method) && !"sse".equals(request.getParam("alt"))) {
      GeminiMock.error(response, 400, "INVALID_ARGUMENT", "this mock streams only with alt=sse");
      return;
    }
    if (GeminiMock.failed(response, model)) {
      return;
    }
    switch (method) {
      case "generateContent" -> response.putHeader("content-type", "application/json").end(GeminiWire.answer(body, model).encode());
      case "streamGenerateContent" -> GeminiMock.stream(response, body, model);
      default -> response.putHeader("content-type", "application/json").end(predictions(body).encode());
    }
  }

  private static void anthropic(HttpServerRequest request, HttpServerResponse response, JsonObject body, String model,
      String method) {
    String problem = null;
    for (String field : body.fieldNames()) {
      if (!ANTHROPIC_FIELDS.contains(field)) {
        problem = field + ": Extra inputs are not permitted";
      }
    }
    if (!"vertex-2023-10-16".equals(body.getValue("anthropic_version"))) {
      problem = "anthropic_version: vertex-2023-10-16 is required";
    }
    boolean streams = Boolean.TRUE.equals(body.getValue("stream"));
    if (!("rawPredict".equals(method) && !streams || "streamRawPredict".equals(method) && streams)) {
      problem = "method " + method + " with stream " + streams;
    }
    if (problem != null) {
      response.setStatusCode(400).putHeader("content-type", "application/json").end(new JsonObject().put("type", "error")
          .put("error", new JsonObject().put("type", "invalid_request_error").put("message", problem)).encode());
      return;
    }
    AnthropicWire.answer(response, body, CLAUDE_MID_STREAM_ERROR.equals(model) ? MockProvider.MID_STREAM_ERROR : model);
  }

  private static String unknownPredictField(JsonObject body) {
    for (String field : body.fieldNames()) {
      if (!Set.of("instances", "parameters").contains(field)) {
        return field;
      }
    }
    for (Object instance : body.getJsonArray("instances", new JsonArray())) {
      for (String field : ((JsonObject) instance).fieldNames()) {
        if (!Set.of("content", "task_type", "title").contains(field)) {
          return "instances." + field;
        }
      }
    }
    JsonObject parameters = body.getJsonObject("parameters", new JsonObject());
    for (String field : parameters.fieldNames()) {
      if (!Set.of("outputDimensionality", "autoTruncate").contains(field)) {
        return "parameters." + field;
      }
    }
    return null;
  }

  /** One prediction per instance: its index in each value, a token per word of its content. */
  private static JsonObject predictions(JsonObject body) {
    JsonArray predictions = new JsonArray();
    JsonArray instances = body.getJsonArray("instances");
    int dimensions = body.getJsonObject("parameters", new JsonObject()).getInteger("outputDimensionality", 3);
    for (int i = 0; i < instances.size(); i++) {
      JsonArray values = new JsonArray();
      for (int d = 0; d < dimensions; d++) {
        values.add(i + d / 10.0);
      }
      int tokens = instances.getJsonObject(i).getString("content").split(" ").length;
      predictions.add(new JsonObject().put("embeddings", new JsonObject().put("values", values)
          .put("statistics", new JsonObject().put("truncated", false).put("token_count", tokens))));
    }
    return new JsonObject().put("predictions", predictions)
        .put("metadata", new JsonObject().put("billableCharacterCount", 10));
  }

  private void token(HttpServerRequest request, String raw) {
    tokenRequests.incrementAndGet();
    Map<String, String> form = form(raw);
    String type = String.valueOf(request.getHeader("content-type"));
    if (request.method() != HttpMethod.POST || !type.startsWith("application/x-www-form-urlencoded")
        || !"urn:ietf:params:oauth:grant-type:jwt-bearer".equals(form.get("grant_type")) || form.get("assertion") == null) {
      tokenError(request, "unsupported_grant_type", "Invalid grant_type: " + form.get("grant_type"));
      return;
    }
    String problem = verify(form.get("assertion"));
    if (problem != null) {
      tokenError(request, "invalid_grant", problem);
      return;
    }
    String token = token(issued.size() + 1);
    issued.add(token);
    request.response().putHeader("content-type", "application/json").end(new JsonObject()
        .put("access_token", token).put("expires_in", 3599).put("token_type", "Bearer").encode());
  }

  /** Null when the assertion is a JWT signed by the test's key for this endpoint, else why not. */
  private String verify(String jwt) {
    String[] parts = jwt.split("\\.");
    if (parts.length != 3) {
      return "Invalid JWT: not three parts.";
    }
    try {
      JsonObject header = new JsonObject(new String(Base64.getUrlDecoder().decode(parts[0]), StandardCharsets.UTF_8));
      JsonObject claims = new JsonObject(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8));
      Signature rs256 = Signature.getInstance("SHA256withRSA");
      rs256.initVerify(publicKey);
      rs256.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
      if (!"RS256".equals(header.getString("alg")) || !rs256.verify(Base64.getUrlDecoder().decode(parts[2]))) {
        return "Invalid JWT Signature.";
      }
      long now = System.currentTimeMillis() / 1000;
      long iat = claims.getLong("iat");
      long exp = claims.getLong("exp");
      if (!clientEmail.equals(claims.getString("iss")) || !tokenUri().equals(claims.getString("aud"))
          || !"https://www.googleapis.com/auth/cloud-platform".equals(claims.getString("scope"))
          || iat > now + 60 || exp < now || exp - iat > 3600) {
        return "Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe.";
      }
      return null;
    } catch (Exception e) {
      return "Invalid JWT: " + e.getClass().getSimpleName();
    }
  }

  private static void tokenError(HttpServerRequest request, String code, String description) {
    request.response().setStatusCode(400).putHeader("content-type", "application/json")
        .end(new JsonObject().put("error", code).put("error_description", description).encode());
  }

  private static Map<String, String> form(String body) {
    Map<String, String> out = new HashMap<>();
    for (String pair : body.split("&")) {
      int eq = pair.indexOf('=');
      if (eq > 0) {
        out.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
      }
    }
    return out;
  }
}
