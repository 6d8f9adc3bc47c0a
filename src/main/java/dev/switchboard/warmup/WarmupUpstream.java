package dev.switchboard.warmup;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * A provider on loopback that answers at once in OpenAI's wire format (chat, streamed chat, text
 * completions, embeddings), so the warm-up runs the gateway's whole request path without calling
 * any real provider.
 */
final class WarmupUpstream {

  private static final Buffer COMPLETION = new JsonObject().put("id", "chatcmpl-warmup").put("object", "chat.completion")
      .put("created", 0).put("model", "warmup").put("choices", new JsonArray().add(new JsonObject().put("index", 0)
          .put("message", new JsonObject().put("role", "assistant").put("content", "Warm."))
          .put("finish_reason", "stop")))
      .put("usage", usage()).toBuffer();
  private static final Buffer TEXT = new JsonObject().put("id", "cmpl-warmup").put("object", "text_completion")
      .put("created", 0).put("model", "warmup").put("choices", new JsonArray().add(new JsonObject().put("index", 0)
          .put("text", "Warm.").put("finish_reason", "stop")))
      .put("usage", usage()).toBuffer();
  private static final Buffer EMBEDDING = new JsonObject().put("object", "list").put("model", "warmup")
      .put("data", new JsonArray().add(new JsonObject().put("object", "embedding").put("index", 0)
          .put("embedding", new JsonArray().add(0.1).add(0.2).add(0.3))))
      .put("usage", new JsonObject().put("prompt_tokens", 3).put("total_tokens", 3)).toBuffer();
  private static final Buffer STREAM = stream();

  private final Vertx vertx;
  private HttpServer server;

  WarmupUpstream(Vertx vertx) {
    this.vertx = vertx;
  }

  /** @return the port it listens on, on 127.0.0.1 */
  Future<Integer> start() {
    server = vertx.createHttpServer();
    return server.requestHandler(this::answer).listen(0, "127.0.0.1").map(HttpServer::actualPort);
  }

  Future<Void> stop() {
    return server == null ? Future.succeededFuture() : server.close();
  }

  private void answer(HttpServerRequest request) {
    request.body().onSuccess(body -> {
      String path = request.path();
      if (path.endsWith("/embeddings")) {
        json(request, EMBEDDING);
      } else if (path.endsWith("/chat/completions") && body.length() > 0 && body.toJsonObject().getBoolean("stream", false)) {
        request.response().putHeader("content-type", "text/event-stream").end(STREAM);
      } else if (path.endsWith("/chat/completions")) {
        json(request, COMPLETION);
      } else if (path.endsWith("/completions")) {
        json(request, TEXT);
      } else {
        request.response().setStatusCode(404).end();
      }
    });
  }

  private static void json(HttpServerRequest request, Buffer body) {
    request.response().putHeader("content-type", "application/json").end(body);
  }

  private static JsonObject usage() {
    return new JsonObject().put("prompt_tokens", 8).put("completion_tokens", 2).put("total_tokens", 10);
  }

  private static Buffer stream() {
    Buffer events = Buffer.buffer();
    String[] parts = {"Wa", "rm", "."};
    for (String part : parts) {
      events.appendString("data: " + chunk(new JsonObject().put("content", part), null, null) + "\n\n");
    }
    events.appendString("data: " + chunk(new JsonObject(), "stop", null) + "\n\n");
    events.appendString("data: " + new JsonObject().put("id", "chatcmpl-warmup").put("object", "chat.completion.chunk")
        .put("created", 0).put("model", "warmup").put("choices", new JsonArray()).put("usage", usage()) + "\n\n");
    return events.appendString("data: [DONE]\n\n");
  }

  private static String chunk(JsonObject delta, String finish, JsonObject usage) {
    return new JsonObject().put("id", "chatcmpl-warmup").put("object", "chat.completion.chunk").put("created", 0)
        .put("model", "warmup").put("choices", new JsonArray().add(new JsonObject().put("index", 0)
            .put("delta", delta).put("finish_reason", finish))).encode();
  }
}
