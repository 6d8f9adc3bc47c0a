package dev.switchboard.callbacks;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A logging / alerting sink on loopback: records every post; answers it, fails it, or never answers. */
public final class SinkServer {

  public enum Mode { ANSWER, FAIL, HANG }

  /** One post as received. */
  public record Post(String path, MultiMap headers, Buffer body) {
  }

  private final Vertx vertx;
  private final Mode mode;
  private final int status;
  public final List<Post> posts = new CopyOnWriteArrayList<>();
  private final List<HttpServerRequest> held = new CopyOnWriteArrayList<>();
  private HttpServer server;

  public SinkServer(Vertx vertx, Mode mode, int status) {
    this.vertx = vertx;
    this.mode = mode;
    this.status = status;
  }

  public Future<SinkServer> start() {
    return vertx.createHttpServer().requestHandler(request -> request.body().onSuccess(body -> {
      posts.add(new Post(request.path(), MultiMap.caseInsensitiveMultiMap().addAll(request.headers()), body));
      switch (mode) {
        case ANSWER -> request.response().setStatusCode(status).putHeader("content-type", "application/json")
            .end("{}");
        case FAIL -> request.response().setStatusCode(500).end("{\"error\":\"down\"}");
        case HANG -> held.add(request);
      }
    })).listen(0, "127.0.0.1").map(s -> {
      server = s;
      return this;
    });
  }

  public String url(String path) {
    return "http://127.0.0.1:" + server.actualPort() + path;
  }

  public List<Post> postsTo(String path) {
    return posts.stream().filter(p -> p.path().equals(path)).toList();
  }

  public Future<Void> stop() {
    return server == null ? Future.succeededFuture() : server.close();
  }
}
