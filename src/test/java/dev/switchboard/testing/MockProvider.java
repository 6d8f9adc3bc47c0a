package dev.switchboard.testing;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A fake OpenAI-compatible provider on loopback. What it does for a request depends on the model
 * name it receives (set per test with {@link #on}); by default it answers successfully. It records
 * every request so tests can see exactly what the gateway sent upstream.
 */
public final class MockProvider {

  /** What to do for one model. */
  public record Behaviour(
      int status,
      String errorBody,
      Map<String, String> headers,
      long delayMs,
      int chunks,
      long chunkDelayMs,
      int abortAfterChunks,
      boolean resetBeforeAnswer,
      long floodBytes,
      int garbleAt) {

    public static Behaviour ok() {
      return new Behaviour(200, null, Map.of(), 0, 3, 0, -1, false, 0, -1);
    }

    public static Behaviour error(int status, String body, Map<String, String> headers) {
      return new Behaviour(status, body, headers, 0, 0, 0, -1, false, 0, -1);
    }

    public Behaviour withDelay(long ms) {
      return new Behaviour(status, errorBody, headers, ms, chunks, chunkDelayMs, abortAfterChunks, resetBeforeAnswer, floodBytes, garbleAt);
    }

    public Behaviour withChunks(int count, long delayMs) {
      return new Behaviour(status, errorBody, headers, this.delayMs, count, delayMs, abortAfterChunks, resetBeforeAnswer, floodBytes, garbleAt);
    }

    public Behaviour abortingAfter(int count) {
      return new Behaviour(status, errorBody, headers, delayMs, chunks, chunkDelayMs, count, resetBeforeAnswer, floodBytes, garbleAt);
    }

    public Behaviour resetting() {
      return new Behaviour(status, errorBody, headers, delayMs, chunks, chunkDelayMs, abortAfterChunks, true, floodBytes, garbleAt);
    }

    /** Sends a chunk of broken JSON at position {@code index} of the stream. */
    public Behaviour garblingAt(int index) {
      return new Behaviour(status, errorBody, headers, delayMs, chunks, chunkDelayMs, abortAfterChunks, resetBeforeAnswer, floodBytes, index);
    }

    /** Streams up to {@code bytes} as fast as the gateway reads, waiting whenever its write queue is full. */
    public Behaviour flooding(long bytes) {
      return new Behaviour(status, errorBody, headers, delayMs, chunks, chunkDelayMs, abortAfterChunks, resetBeforeAnswer, bytes, garbleAt);
    }
  }

  /** One request as the provider received it. */
  public record Received(String uri, io.vertx.core.http.HttpVersion version, MultiMap headers, JsonObject body) {
  }

  private final Vertx vertx;
  private final Map<String, Behaviour> behaviours = new ConcurrentHashMap<>();
  private final List<Received> received = new CopyOnWriteArrayList<>();
  /** Models whose answers are held back until {@link #releaseHeld}: requests stay in flight as long as a test needs. */
  private final Map<String, List<Runnable>> held = new ConcurrentHashMap<>();
  /** Models whose non-streaming answers report other usage than the default 10 + 5 tokens. */
  private final Map<String, JsonObject> usages = new ConcurrentHashMap<>();
  private HttpServer server;

  /** Completed when a streaming response is closed by the gateway before it ended. */
  public volatile io.vertx.core.Promise<Void> streamClosedEarly = io.vertx.core.Promise.promise();
  /** Successful answers begun (their headers written, or about to be), over all models. */
  public final java.util.concurrent.atomic.AtomicLong answersStarted = new java.util.concurrent.atomic.AtomicLong();
  /** Bytes a flooding stream has written so far. */
  public final java.util.concurrent.atomic.AtomicLong floodSent = new java.util.concurrent.atomic.AtomicLong();

  public MockProvider(Vertx vertx) {
    this.vertx = vertx;
  }

  public Future<MockProvider> start() {
    server = vertx.createHttpServer().requestHandler(this::handle);
    return server.listen(0, "127.0.0.1").map(s -> this);
  }

  /** Over TLS with a self-signed certificate, offering HTTP/2 and HTTP/1.1 by ALPN, as public providers do. */
  public Future<MockProvider> startTls() {
    server = vertx.createHttpServer(new io.vertx.core.http.HttpServerOptions().setSsl(true).setUseAlpn(true)
        .setKeyCertOptions(io.vertx.core.net.SelfSignedCertificate.create().keyCertOptions()))
        .requestHandler(this::handle);
    return server.listen(0, "127.0.0.1").map(s -> this);
  }

  public Future<Void> stop() {
    return server.close();
  }

  public int port() {
    return server.actualPort();
  }

  /** The api_base for a deployment pointing here. */
  public String apiBase() {
    return "http://127.0.0.1:" + port() + "/v1";
  }

  public MockProvider on(String model, Behaviour behaviour) {
    behaviours.put(model, behaviour);
    return this;
  }

  /** Non-streaming answers for {@code model} report this usage: a long answer, a big prompt. */
  public MockProvider reporting(String model, int promptTokens, int completionTokens) {
    usages.put(model, new JsonObject().put("prompt_tokens", promptTokens).put("completion_tokens", completionTokens)
        .put("total_tokens", promptTokens + completionTokens));
    return this;
  }

  /** Holds every answer for {@code model} (received and recorded, not answered) until {@link #releaseHeld}. */
  public MockProvider hold(String model) {
    held.put(model, new CopyOnWriteArrayList<>());
    return this;
  }

  /** Answers what was held for {@code model}, and answers its later requests at once. */
  public void releaseHeld(String model) {
    List<Runnable> waiting = held.remove(model);
    if (waiting != null) {
      waiting.forEach(Runnable::run);
    }
  }

  public List<Received> received() {
    return received;
  }

  public Received last() {
    return received.isEmpty() ? null : received.get(received.size() - 1);
  }

  private void handle(HttpServerRequest request) {
    String path = request.path();
    // OpenAI's paths, and Azure's /openai/deployments/{name}/... shape where the name is the model
    // (Azure's /openai/responses names its model in the body, as OpenAI's does).
    String azurePrefix = "/openai/deployments/";
    String operation = path.startsWith("/v1/") ? path.substring(3)
        : path.startsWith(azurePrefix) ? path.substring(path.indexOf('/', azurePrefix.length()))
        : path.equals("/openai/responses") ? "/responses" : path;
    request.body().onSuccess(raw -> {
      JsonObject body = new JsonObject(raw);
      received.add(new Received(request.uri(), request.version(), MultiMap.caseInsensitiveMultiMap().addAll(request.headers()), body));
      String model = path.startsWith(azurePrefix)
          ? path.substring(azurePrefix.length(), path.indexOf('/', azurePrefix.length()))
          : body.getString("model");
      switch (operation) {
        case "/chat/completions" -> { }
        case "/responses" -> {
          ResponsesWire.answer(request.response(), body, model);
          return;
        }
        case "/messages" -> {
          AnthropicWire.answer(request.response(), body, model);
          return;
        }
        case "/messages/count_tokens" -> {
          AnthropicWire.countTokens(request, body);
          return;
        }
        case "/embeddings" -> {
          if (String.valueOf(body.getValue("input")).contains("fail")) {
            request.response().setStatusCode(500).end("{\"error\":{\"message\":\"embedding batch failed\"}}");
            return;
          }
          request.response().putHeader("content-type", "application/json").end(embeddings(model, body).encode());
          return;
        }
        case "/completions" -> {
          request.response().putHeader("content-type", "application/json").end(textCompletion(model).encode());
          return;
        }
        default -> {
          request.response().setStatusCode(404).end("{\"error\":{\"message\":\"no such path " + path + "\"}}");
          return;
        }
      }
      Behaviour behaviour = behaviours.getOrDefault(model, Behaviour.ok());
      if (behaviour.resetBeforeAnswer()) {
        request.connection().close();
        return;
      }
      Runnable answer = () -> answer(request.response(), body, model, behaviour);
      List<Runnable> holding = held.get(model);
      if (holding != null) {
        holding.add(() -> vertx.runOnContext(v -> answer.run()));
        return;
      }
      if (behaviour.delayMs() > 0) {
        vertx.setTimer(behaviour.delayMs(), id -> answer.run());
      } else {
        answer.run();
      }
    });
  }

  private void answer(HttpServerResponse response, JsonObject body, String model, Behaviour behaviour) {
    if (response.closed()) {
      return;
    }
    behaviour.headers().forEach(response::putHeader);
    if (behaviour.status() != 200) {
      response.setStatusCode(behaviour.status()).putHeader("content-type", "application/json")
          .end(behaviour.errorBody() == null ? "" : behaviour.errorBody());
      return;
    }
    answersStarted.incrementAndGet();
    if (Boolean.TRUE.equals(body.getValue("stream"))) {
      stream(response, body, model, behaviour);
      return;
    }
    JsonObject usage = usages.get(model);
    String answer = (usage == null ? completion(model) : completion(model).put("usage", usage)).encode();
    if (behaviour.chunkDelayMs() > 0) {
      // Headers and half the body now, the rest later: a provider that stalls mid-answer.
      response.setChunked(true).putHeader("content-type", "application/json").write(answer.substring(0, 20));
      vertx.setTimer(behaviour.chunkDelayMs(), id -> {
        if (!response.closed()) {
          response.end(answer.substring(20));
        }
      });
      return;
    }
    response.putHeader("content-type", "application/json").end(answer);
  }

  public static JsonObject completion(String model) {
    return new JsonObject()
        .put("id", "chatcmpl-mock")
        .put("object", "chat.completion")
        .put("created", 1_700_000_000L)
        .put("model", model)
        .put("choices", new JsonArray().add(new JsonObject()
            .put("index", 0)
            .put("message", new JsonObject().put("role", "assistant").put("content", "Hello from " + model))
            .put("finish_reason", "stop")))
        .put("usage", new JsonObject().put("prompt_tokens", 10).put("completion_tokens", 5).put("total_tokens", 15));
  }

  /**
   * One embedding per input, [input length, index], so a caller can tell its own from another's;
   * usage of one token per two characters.
   */
  static JsonObject embeddings(String model, JsonObject body) {
    Object input = body.getValue("input");
    JsonArray inputs = input instanceof JsonArray list ? list : new JsonArray().add(input);
    JsonArray data = new JsonArray();
    int tokens = 0;
    // Returned in reverse order: OpenAI's data carries an index, and callers must use it.
    for (int i = inputs.size() - 1; i >= 0; i--) {
      String text = String.valueOf(inputs.getValue(i));
      tokens += Math.max(1, text.length() / 2);
      data.add(new JsonObject().put("object", "embedding").put("index", i)
          .put("embedding", new JsonArray().add(text.length()).add(i)));
    }
    return new JsonObject().put("object", "list").put("data", data).put("model", model)
        .put("usage", new JsonObject().put("prompt_tokens", tokens).put("total_tokens", tokens));
  }

  static JsonObject textCompletion(String model) {
    return new JsonObject().put("id", "cmpl-mock").put("object", "text_completion").put("created", 1_700_000_000L)
        .put("model", model)
        .put("choices", new JsonArray().add(new JsonObject().put("index", 0).put("text", "completed by " + model)
            .put("finish_reason", "stop")))
        .put("usage", new JsonObject().put("prompt_tokens", 4).put("completion_tokens", 3).put("total_tokens", 7));
  }

  public static String chunk(String model, int index, String text) {
    return new JsonObject()
        .put("id", "chatcmpl-mock")
        .put("object", "chat.completion.chunk")
        .put("created", 1_700_000_000L)
        .put("model", model)
        .put("choices", new JsonArray().add(new JsonObject()
            .put("index", 0)
            .put("delta", new JsonObject().put("content", text))
            .putNull("finish_reason")))
        .encode();
  }

  private void stream(HttpServerResponse response, JsonObject body, String model, Behaviour behaviour) {
    response.setChunked(true).putHeader("content-type", "text/event-stream");
    response.closeHandler(v -> streamClosedEarly.tryComplete());
    if (behaviour.floodBytes() > 0) {
      flood(response, model, behaviour.floodBytes());
      return;
    }
    boolean wantsUsage = body.getValue("stream_options") instanceof JsonObject options
        && Boolean.TRUE.equals(options.getValue("include_usage"));
    if (TOOL_CALLER.equals(model)) {
      streamToolCall(response, model);
      return;
    }
    if (MID_STREAM_ERROR.equals(model)) {
      response.write("data: " + chunk(model, 0, "Hel") + "\n\n");
      response.write("data: " + chunk(model, 1, "lo") + "\n\n");
      response.end("data: " + new JsonObject().put("error", new JsonObject().put("type", "server_error")
          .put("message", "The server had an error processing the request with " + LEAKED_SECRET)) + "\n\n");
      return;
    }
    sendChunk(response, model, behaviour, wantsUsage, 0);
  }

  /** The model whose streams send two chunks, then an error event naming a secret, then end (OpenAI and Anthropic). */
  public static final String MID_STREAM_ERROR = "mid-stream-error";
  /** The secret in that error event: no client may see it. */
  public static final String LEAKED_SECRET = "Authorization: Bearer sk-provA-0123456789abcdef";

  /** The model whose streams answer with one tool call, its arguments in three fragments. */
  public static final String TOOL_CALLER = "tool-caller";

  private static void streamToolCall(HttpServerResponse response, String model) {
    JsonObject first = new JsonObject().put("index", 0).put("id", "call_9").put("type", "function")
        .put("function", new JsonObject().put("name", "get_weather").put("arguments", ""));
    response.write("data: " + toolChunk(model, first, null) + "\n\n");
    for (String fragment : new String[] {"{\"city\"", ":\"Par", "is\"}"}) {
      JsonObject next = new JsonObject().put("index", 0).put("function", new JsonObject().put("arguments", fragment));
      response.write("data: " + toolChunk(model, next, null) + "\n\n");
    }
    response.write("data: " + toolChunk(model, null, "tool_calls") + "\n\n");
    response.end("data: [DONE]\n\n");
  }

  private static String toolChunk(String model, JsonObject call, String finishReason) {
    JsonObject delta = call == null ? new JsonObject() : new JsonObject().put("tool_calls", new JsonArray().add(call));
    return new JsonObject().put("id", "chatcmpl-tools").put("object", "chat.completion.chunk").put("created", 1L)
        .put("model", model).put("choices", new JsonArray().add(new JsonObject().put("index", 0).put("delta", delta)
            .put("finish_reason", finishReason))).encode();
  }

  private void sendChunk(HttpServerResponse response, String model, Behaviour behaviour, boolean wantsUsage, int index) {
    if (response.closed()) {
      return;
    }
    if (index == behaviour.abortAfterChunks()) {
      response.reset();
      return;
    }
    if (index == behaviour.chunks()) {
      if (wantsUsage) {
        response.write("data: " + new JsonObject().put("id", "chatcmpl-mock").put("object", "chat.completion.chunk")
            .put("model", model).put("choices", new JsonArray())
            .put("usage", new JsonObject().put("prompt_tokens", 10).put("completion_tokens", behaviour.chunks())
                .put("total_tokens", 10 + behaviour.chunks())).encode() + "\r\n\r\n");
      }
      response.end("data: [DONE]\n\n");
      return;
    }
    String chunk = chunk(model, index, "tok" + index + " ");
    response.write("data: " + (index == behaviour.garbleAt() ? chunk.substring(0, chunk.length() / 2) : chunk) + "\n\n");
    if (behaviour.chunkDelayMs() > 0) {
      vertx.setTimer(behaviour.chunkDelayMs(), id -> sendChunk(response, model, behaviour, wantsUsage, index + 1));
    } else {
      sendChunk(response, model, behaviour, wantsUsage, index + 1);
    }
  }

  private void flood(HttpServerResponse response, String model, long limit) {
    Buffer event = Buffer.buffer("data: " + chunk(model, 0, "x".repeat(8000)) + "\n\n");
    while (floodSent.get() < limit && !response.closed()) {
      if (response.writeQueueFull()) {
        // Continue only when the gateway reads again: a gateway without back-pressure drains it all.
        response.drainHandler(v -> flood(response, model, limit));
        return;
      }
      response.write(event);
      floodSent.addAndGet(event.length());
    }
    if (!response.closed()) {
      response.end("data: [DONE]\n\n");
    }
  }
}
