package dev.switchboard.bench;

import io.vertx.core.Context;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The harness's calling side: its event loops, one keep-alive connection pool per target, and the
 * three kinds of call (plain, streaming, and the paced streams of the concurrent-streams phase),
 * each checked for a whole, well-formed answer.
 */
final class LoadClient {

  private static final String PATH = "/v1/chat/completions";

  /** Where a call goes: the mock directly, or the gateway. */
  record Target(String name, HttpClientAgent client, int port, MultiMap headers) {
  }

  private final Vertx vertx;
  private final List<Context> loops;
  private final int poolSize;
  private final Buffer plainBody = Buffer.buffer(Payloads.chatBody("bench", false, false));
  private final Buffer streamBody = Buffer.buffer(Payloads.chatBody("bench", true, true));
  private final Buffer pacedBody = Buffer.buffer(Payloads.chatBody(MockUpstream.PACED_MODEL, true, true));

  private LoadClient(Vertx vertx, List<Context> loops, int poolSize) {
    this.vertx = vertx;
    this.loops = loops;
    this.poolSize = poolSize;
  }

  /** Deploys one verticle per event loop to get hold of each loop's context, to send calls from. */
  static Future<LoadClient> deploy(Vertx vertx, int eventLoops, int concurrency) {
    List<Context> loops = new CopyOnWriteArrayList<>();
    return vertx.deployVerticle(() -> new VerticleBase() {
      @Override
      public Future<?> start() {
        loops.add(context);
        return Future.succeededFuture();
      }
    }, new DeploymentOptions().setInstances(eventLoops))
        .map(id -> new LoadClient(vertx, loops, Math.max(concurrency, 16)));
  }

  int eventLoops() {
    return loops.size();
  }

  /** The event loop the i-th caller or call runs on, round robin. */
  Context loop(long i) {
    return loops.get((int) (i % loops.size()));
  }

  Target target(String name, int port, String bearerKey) {
    return target(name, port, bearerKey, poolSize);
  }

  /** A target with a pool of its own size: one HTTP/1.1 connection per call it must hold open at once. */
  Target target(String name, int port, String bearerKey, int connections) {
    return target(name, port, bearerKey, connections, false);
  }

  /** @param tlsWithHttp2 the target speaks TLS (any certificate) and HTTP/2 by ALPN, like the --upstream-h2 mock */
  Target target(String name, int port, String bearerKey, int connections, boolean tlsWithHttp2) {
    HttpClientOptions options = new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true).setPipelining(false)
        .setDefaultHost(Loopback.HOST);
    if (tlsWithHttp2) {
      options.setSsl(true).setTrustAll(true).setVerifyHost(false).setUseAlpn(true).setProtocolVersion(HttpVersion.HTTP_2);
    }
    HttpClientAgent client = vertx.createHttpClient(options,
        new PoolOptions().setHttp1MaxSize(connections).setHttp2MaxSize(Math.max(1, connections / 50))
            .setMaxWaitQueueSize(-1));
    MultiMap headers = MultiMap.caseInsensitiveMultiMap().set(HttpHeaders.CONTENT_TYPE, "application/json")
        .set(HttpHeaders.AUTHORIZATION, "Bearer " + bearerKey);
    return new Target(name, client, port, headers);
  }

  private static RequestOptions post(Target target) {
    return new RequestOptions().setMethod(HttpMethod.POST).setHost(Loopback.HOST).setPort(target.port())
        .setURI(PATH).setHeaders(target.headers()).setIdleTimeout(30_000);
  }

  /** A non-streaming call; fails unless 200 with a chat.completion body. */
  Future<Void> call(Target target) {
    return target.client().request(post(target))
        .compose(request -> request.send(plainBody))
        .compose(response -> response.body().compose(body -> response.statusCode() == 200 && body.length() > 20
            ? Future.<Void>succeededFuture()
            : Future.failedFuture("status " + response.statusCode() + ": " + truncate(body.toString()))));
  }

  /** A streaming call; completes with [first data chunk nanoTime, end nanoTime], fails without [DONE]. */
  Future<long[]> stream(Target target) {
    return target.client().request(post(target))
        .compose(request -> request.send(streamBody))
        .compose(response -> {
          if (response.statusCode() != 200) {
            return refused(response);
          }
          Promise<long[]> done = Promise.promise();
          long[] times = new long[2];
          // Only the last 64 characters are kept: enough to see "data: [DONE]" at the end.
          StringBuilder tail = new StringBuilder(64);
          response.handler(chunk -> {
            if (times[0] == 0 && chunk.length() > 0) {
              times[0] = System.nanoTime();
            }
            tail.append(chunk.toString(StandardCharsets.UTF_8));
            if (tail.length() > 64) {
              tail.delete(0, tail.length() - 64);
            }
          });
          response.exceptionHandler(done::tryFail);
          response.endHandler(v -> {
            times[1] = System.nanoTime();
            if (times[0] != 0 && tail.indexOf("data: [DONE]") >= 0) {
              done.tryComplete(times);
            } else {
              done.tryFail("stream ended without data: [DONE]: ..." + tail);
            }
          });
          return done.future();
        });
  }

  /** A paced, stamped stream (model {@link MockUpstream#PACED_MODEL}), read event by event. */
  Future<PacedStream.Result> pacedStream(Target target, PacedStream.Observer observer) {
    return target.client().request(post(target))
        .compose(request -> request.send(pacedBody))
        .compose(response -> response.statusCode() == 200 ? PacedStream.read(response, observer) : refused(response));
  }

  /** A call answered with another status than 200 fails with that status and the body, which says why. */
  private static <T> Future<T> refused(HttpClientResponse response) {
    return response.body().compose(body -> Future.failedFuture(
        "status " + response.statusCode() + ": " + truncate(body.toString())));
  }

  static String truncate(String text) {
    return text.length() > 200 ? text.substring(0, 200) + "..." : text;
  }
}
