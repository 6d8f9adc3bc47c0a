package dev.switchboard.guardrail;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An OpenAI-format provider whose answers a guardrail test controls: {@code echo} answers with the
 * last message's text, {@code say:<text>} with that text, {@code stream} streams {@link #STREAMED}
 * word by word, {@code hold} never answers and reports when the gateway closes the connection.
 */
final class GuardMock {

  static final List<String> STREAMED = List.of("The ", "password ", "is ", "banana ", "and ", "more ", "words");

  final List<JsonObject> received = new CopyOnWriteArrayList<>();
  /** Completed when the gateway closes a held request's connection: the provider call was cancelled. */
  final Promise<Void> cancelled = Promise.promise();
  /** Completed when a held request arrived. */
  final Promise<Void> held = Promise.promise();
  private final Vertx vertx;
  private HttpServer server;

  GuardMock(Vertx vertx) {
    this.vertx = vertx;
  }

  Future<GuardMock> start() {
    server = vertx.createHttpServer().requestHandler(request -> request.body().onSuccess(body -> {
      JsonObject json = body.toJsonObject();
      received.add(json);
      answer(request, json);
    }));
    return server.listen(0, "127.0.0.1").map(s -> this);
  }

  String apiBase() {
    return "http://127.0.0.1:" + server.actualPort() + "/v1";
  }

  private void answer(HttpServerRequest request, JsonObject body) {
    String model = body.getString("model");
    HttpServerResponse response = request.response();
    if (model.equals("hold")) {
      request.connection().closeHandler(v -> cancelled.tryComplete());
      held.tryComplete();
      return;
    }
    if (Boolean.TRUE.equals(body.getBoolean("stream"))) {
      response.setChunked(true).putHeader("content-type", "text/event-stream");
      for (int i = 0; i < STREAMED.size(); i++) {
        response.write("data: " + chunk(model, STREAMED.get(i)) + "\n\n");
      }
      response.end("data: [DONE]\n\n");
      return;
    }
    String text = model.startsWith("say:") ? model.substring(4) : lastText(body);
    response.putHeader("content-type", "application/json").end(new JsonObject()
        .put("id", "chatcmpl-1").put("object", "chat.completion").put("created", 1_700_000_000L).put("model", model)
        .put("choices", new JsonArray().add(new JsonObject().put("index", 0)
            .put("message", new JsonObject().put("role", "assistant").put("content", text)).put("finish_reason", "stop")))
        .put("usage", new JsonObject().put("prompt_tokens", 10).put("completion_tokens", 5).put("total_tokens", 15))
        .encode());
  }

  private static String lastText(JsonObject body) {
    JsonArray messages = body.getJsonArray("messages");
    return messages.getJsonObject(messages.size() - 1).getString("content");
  }

  private static String chunk(String model, String text) {
    return new JsonObject().put("id", "chatcmpl-1").put("object", "chat.completion.chunk").put("created", 1_700_000_000L)
        .put("model", model).put("choices", new JsonArray().add(new JsonObject().put("index", 0)
            .put("delta", new JsonObject().put("content", text)).putNull("finish_reason"))).encode();
  }
}
