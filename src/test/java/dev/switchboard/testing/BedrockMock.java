package dev.switchboard.testing;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Bedrock's runtime API as strictly as the tests need: only {@code POST /model/{id}/converse} and
 * {@code /converse-stream}; every call's SigV4 signature recomputed with {@link SigV4} from the
 * known secret over the exact body (no or a malformed signature, an unknown key, a wrong or
 * missing session token, a signature that does not match: 403 as AWS answers); unknown fields and
 * non-alternating turns refused with ValidationException; errors as AWS sends them
 * ({@code x-amzn-ErrorType}, {@code {"message"}}); streams in AWS event-stream frames. The model
 * id picks a behaviour (see the constants).
 */
public final class BedrockMock {

  public static final String KEY_ID = "AKIDBEDROCKTEST";
  public static final String SECRET = "bedrock/Test+Secret/Key0123456789EXAMPLE";
  public static final String REGION = "us-east-1";
  public static final String MODEL = "anthropic.claude-3-haiku-20240307-v1:0";
  public static final String NOT_FOUND = "meta.llama-missing-v1:0";
  public static final String THROTTLED = "throttled";
  /** Throttles its first call, then answers. */
  public static final String THROTTLED_ONCE = "throttled-once";
  public static final String TOO_LONG = "too-long";
  public static final String BROKEN = "broken";
  public static final String UNAVAILABLE = "unavailable";
  /** Streams some text, then a throttlingException frame. */
  public static final String MID_STREAM_ERROR = "mid-stream-error";
  /** A tool call whose arguments come in {@link #HUGE_ARGUMENT_BYTES} of deltas. */
  public static final String HUGE_TOOL = "huge-tool";
  public static final int HUGE_ARGUMENT_BYTES = 50 * 1024 * 1024;
  private static final int FRAGMENT_BYTES = 8 * 1024;

  private static final Pattern AUTHORIZATION = Pattern.compile("AWS4-HMAC-SHA256 Credential=([^/]+)/(\\d{8})/([^/]+)/([^/]+)"
      + "/aws4_request, SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})");
  private static final Pattern PATH = Pattern.compile("/model/([^/]+)/(converse|converse-stream|invoke)");
  private static final Set<String> REQUEST_FIELDS = Set.of("messages", "system", "inferenceConfig", "toolConfig",
      "additionalModelRequestFields", "guardrailConfig", "promptVariables", "additionalModelResponseFieldPaths",
      "requestMetadata", "performanceConfig");
  private static final Set<String> INFERENCE_FIELDS = Set.of("maxTokens", "temperature", "topP", "stopSequences");
  private static final Set<String> TITAN_EMBED_FIELDS = Set.of("inputText", "dimensions", "normalize", "embeddingTypes");
  private static final Set<String> BLOCK_FIELDS = Set.of("text", "image", "toolUse", "toolResult", "document", "video",
      "guardContent", "cachePoint", "reasoningContent");

  /** What the mock was sent: the raw path, headers and body. */
  public record Received(String path, MultiMap headers, JsonObject body) {
  }

  private final Vertx vertx;
  private final String sessionToken;
  private final List<Received> received = new CopyOnWriteArrayList<>();
  private final AtomicInteger throttledOnce = new AtomicInteger();
  private HttpServer server;

  /** @param sessionToken the token every call must carry (and sign), or null for long-term keys */
  public BedrockMock(Vertx vertx, String sessionToken) {
    this.vertx = vertx;
    this.sessionToken = sessionToken;
  }

  public Future<BedrockMock> start() {
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
      Matcher path = PATH.matcher(request.path());
      if (request.method() != HttpMethod.POST || !path.matches()) {
        error(response, 404, "UnknownOperationException", null);
        return;
      }
      String refusal = signatureProblem(request, raw);
      if (refusal != null) {
        String[] typeAndMessage = refusal.split(": ", 2);
        error(response, 403, typeAndMessage[0], typeAndMessage[1]);
        return;
      }
      JsonObject body;
      try {
        body = new JsonObject(raw);
      } catch (RuntimeException notJson) {
        error(response, 400, "SerializationException", "Unable to parse the request body as JSON.");
        return;
      }
      received.add(new Received(request.path(), MultiMap.caseInsensitiveMultiMap().addAll(request.headers()), body));
      if ("invoke".equals(path.group(2))) {
        invokeTitanEmbed(response, URLDecoder.decode(path.group(1), StandardCharsets.UTF_8), body);
        return;
      }
      String invalid = invalid(body);
      if (invalid != null) {
        error(response, 400, "ValidationException", invalid);
        return;
      }
      String model = URLDecoder.decode(path.group(1), StandardCharsets.UTF_8);
      if (failed(response, model)) {
        return;
      }
      if ("converse".equals(path.group(2))) {
        response.putHeader("content-type", "application/json").end(BedrockWire.answer(body, model).encode());
      } else {
        stream(response, body, model);
      }
    });
  }

  /** Titan text embeddings: one text in, one vector (of {@code dimensions}, else 4 values) and its token count out. */
  private static void invokeTitanEmbed(HttpServerResponse response, String model, JsonObject body) {
    if (!model.startsWith("amazon.titan-embed-text")) {
      error(response, 400, "ValidationException", "This mock invokes Titan text embedding models only.");
      return;
    }
    for (String field : body.fieldNames()) {
      if (!TITAN_EMBED_FIELDS.contains(field)) {
        error(response, 400, "ValidationException", "Malformed input request: extraneous key [" + field + "] is not permitted.");
        return;
      }
    }
    if (!(body.getValue("inputText") instanceof String text)) {
      error(response, 400, "ValidationException", "Malformed input request: required key [inputText] not found.");
      return;
    }
    JsonArray vector = new JsonArray();
    for (int i = 0; i < body.getInteger("dimensions", 4); i++) {
      vector.add(0.5 + i);
    }
    response.putHeader("content-type", "application/json").end(new JsonObject().put("embedding", vector)
        .put("inputTextTokenCount", text.split("\\s+").length).encode());
  }

  /** Why AWS would refuse the call's signature ("ExceptionType: message"), or null when it is valid. */
  private String signatureProblem(HttpServerRequest request, Buffer body) {
    String authorization = request.getHeader("authorization");
    if (authorization == null) {
      return "MissingAuthenticationTokenException: Missing Authentication Token";
    }
    Matcher auth = AUTHORIZATION.matcher(authorization);
    String amzDate = request.getHeader("x-amz-date");
    if (!auth.matches() || amzDate == null || !amzDate.startsWith(auth.group(2))) {
      return "IncompleteSignatureException: Authorization header requires Credential, SignedHeaders, Signature and X-Amz-Date.";
    }
    if (!KEY_ID.equals(auth.group(1))) {
      return "UnrecognizedClientException: The security token included in the request is invalid.";
    }
    List<String> signed = Arrays.asList(auth.group(5).split(";"));
    if (sessionToken != null && (!sessionToken.equals(request.getHeader("x-amz-security-token"))
        || !signed.contains("x-amz-security-token"))) {
      return "UnrecognizedClientException: The security token included in the request is invalid.";
    }
    if (!REGION.equals(auth.group(3)) || !"bedrock".equals(auth.group(4)) || !signed.contains("host")
        || !signed.contains("x-amz-date")) {
      return "InvalidSignatureException: Credential should be scoped to a valid region and service, signing host and x-amz-date.";
    }
    String payloadHash = SigV4.sha256Hex(body.getBytes());
    if (signed.contains("x-amz-content-sha256") && !payloadHash.equals(request.getHeader("x-amz-content-sha256"))) {
      return "InvalidSignatureException: The provided x-amz-content-sha256 header does not match what was computed.";
    }
    String expected = SigV4.signature(SECRET, new SigV4.Signed("POST", SigV4.doubleEncodedPath(request.path()), "", signed,
        request::getHeader, payloadHash, amzDate, auth.group(3), auth.group(4)));
    return expected.equals(auth.group(6)) ? null : "InvalidSignatureException: The request signature we calculated does not "
        + "match the signature you provided. Check your AWS Secret Access Key and signing method. The canonical request "
        + "should have had x-amz-security-token:" + request.getHeader("x-amz-security-token");
  }

  /** ValidationException's message for what Converse refuses, or null. */
  private static String invalid(JsonObject body) {
    for (String field : body.fieldNames()) {
      if (!REQUEST_FIELDS.contains(field)) {
        return "Malformed input request: extraneous key [" + field + "] is not permitted, please reformat your input and try again.";
      }
    }
    if (body.getValue("inferenceConfig") instanceof JsonObject config) {
      for (String field : config.fieldNames()) {
        if (!INFERENCE_FIELDS.contains(field)) {
          return "Malformed input request: extraneous key [inferenceConfig." + field + "] is not permitted.";
        }
      }
    }
    JsonArray messages = body.getJsonArray("messages", new JsonArray());
    String expectedRole = "user";
    for (int i = 0; i < messages.size(); i++) {
      JsonObject message = messages.getJsonObject(i);
      if (!expectedRole.equals(message.getString("role"))) {
        return "A conversation must alternate between user and assistant roles, starting with user (messages." + i + ").";
      }
      expectedRole = "user".equals(expectedRole) ? "assistant" : "user";
      for (Object block : message.getJsonArray("content", new JsonArray())) {
        for (String field : ((JsonObject) block).fieldNames()) {
          if (!BLOCK_FIELDS.contains(field)) {
            return "Malformed input request: extraneous key [content." + field + "] is not permitted.";
          }
        }
        if (((JsonObject) block).getValue("text") instanceof String text && text.isBlank()) {
          return "The text field in the ContentBlock object at messages." + i + " is blank.";
        }
      }
    }
    return messages.isEmpty() ? "A conversation must start with a user message." : null;
  }

  /** The error answers chosen by model id; false when the model answers normally. */
  private boolean failed(HttpServerResponse response, String model) {
    switch (model) {
      case NOT_FOUND -> error(response, 404, "ResourceNotFoundException", "Could not resolve the foundation model from the provided model identifier.");
      case THROTTLED -> error(response, 429, "ThrottlingException", "Too many requests, please wait before trying again.");
      case THROTTLED_ONCE -> {
        if (throttledOnce.getAndIncrement() > 0) {
          return false;
        }
        error(response, 429, "ThrottlingException", "Too many requests, please wait before trying again.");
      }
      case TOO_LONG -> error(response, 400, "ValidationException", "Input is too long for requested model.");
      case BROKEN -> error(response, 500, "InternalServerException", "The server encountered an internal error.");
      case UNAVAILABLE -> error(response, 503, "ServiceUnavailableException", "Bedrock is unable to process your request.");
      default -> {
        return false;
      }
    }
    return true;
  }

  private static void stream(HttpServerResponse response, JsonObject body, String model) {
    response.setChunked(true).putHeader("content-type", "application/vnd.amazon.eventstream");
    if (HUGE_TOOL.equals(model)) {
      response.write(BedrockWire.event("messageStart", new JsonObject().put("role", "assistant")));
      response.write(BedrockWire.event("contentBlockStart", new JsonObject().put("contentBlockIndex", 0).put("start",
          new JsonObject().put("toolUse", new JsonObject().put("toolUseId", "tooluse_big").put("name", "store")))));
      writeDeltas(response, BedrockWire.toolDelta(0, "x".repeat(FRAGMENT_BYTES)), HUGE_ARGUMENT_BYTES / FRAGMENT_BYTES);
      return;
    }
    boolean fails = MID_STREAM_ERROR.equals(model);
    for (Buffer frame : BedrockWire.streamFrames(body, !fails)) {
      response.write(frame);
    }
    if (fails) {
      response.write(BedrockWire.exception("throttlingException", "Too many tokens, please wait before trying again."));
    }
    response.end();
  }

  /** One delta per frame, as fast as the gateway reads and no faster. */
  private static void writeDeltas(HttpServerResponse response, Buffer delta, int left) {
    int remaining = left;
    while (remaining > 0 && !response.closed()) {
      if (response.writeQueueFull()) {
        int resumeWith = remaining;
        response.drainHandler(v -> writeDeltas(response, delta, resumeWith));
        return;
      }
      response.write(delta);
      remaining--;
    }
    if (!response.closed()) {
      response.write(BedrockWire.event("contentBlockStop", new JsonObject().put("contentBlockIndex", 0)));
      response.write(BedrockWire.event("messageStop", new JsonObject().put("stopReason", "tool_use")));
      response.end(BedrockWire.event("metadata", new JsonObject().put("usage", new JsonObject().put("inputTokens", 5)
          .put("outputTokens", HUGE_ARGUMENT_BYTES / 4).put("totalTokens", 5 + HUGE_ARGUMENT_BYTES / 4))));
    }
  }

  private static void error(HttpServerResponse response, int status, String type, String message) {
    response.setStatusCode(status).putHeader("content-type", "application/json")
        .putHeader("x-amzn-ErrorType", type + ":http://internal.amazon.com/coral/com.amazon.bedrock/")
        .putHeader("x-amzn-RequestId", "0f1e2d3c-test")
        .end(message == null ? "{}" : new JsonObject().put("message", message).encode());
  }
}
