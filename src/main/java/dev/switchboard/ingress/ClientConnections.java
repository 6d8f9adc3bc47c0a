package dev.switchboard.ingress;

import dev.switchboard.config.ServerSettings;
import dev.switchboard.errors.ErrorResponses;
import dev.switchboard.errors.ErrorClass;
import dev.switchboard.errors.GatewayError;
import io.netty.handler.codec.DecoderException;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.util.HashMap;
import java.util.Map;

/**
 * What a client may do with a connection. Time is bounded: a new connection must deliver a whole
 * request head within the header timeout, a request's body must arrive whole within the body timeout
 * (else 408), and a kept-alive connection with no request in flight is closed after the idle timeout.
 * Once a request's body is in, nothing here times it, however long its answer takes: Netty's idle
 * timeout would cut a slow provider's answer, and it has no header-read timeout at all. A request
 * refused before its body was read (408, 413, broken framing) closes its connection, and a client's
 * broken framing or departure logs nothing: it is the client's error, not the gateway's.
 * One per ingress instance; everything here runs on that instance's event loop.
 */
final class ClientConnections {

  /** One connection's state: its header or idle timer, and how many of its requests are in flight. */
  private final class Watch {
    final HttpConnection connection;
    long timer = -1;
    int inFlight;
    boolean closed;

    Watch(HttpConnection connection) {
      this.connection = connection;
    }

    void closeAfter(long ms) {
      cancel();
      timer = vertx.setTimer(ms, id -> {
        timer = -1;
        if (inFlight == 0) {
          connection.close();
        }
      });
    }

    void cancel() {
      if (timer >= 0) {
        vertx.cancelTimer(timer);
        timer = -1;
      }
    }
  }

  private final Vertx vertx;
  private final long headerMs;
  private final long bodyMs;
  private final long idleMs;
  private final Map<HttpConnection, Watch> watches = new HashMap<>();

  ClientConnections(Vertx vertx, ServerSettings settings) {
    this.vertx = vertx;
    this.headerMs = millis(settings.headerTimeoutSeconds());
    this.bodyMs = millis(settings.bodyTimeoutSeconds());
    this.idleMs = millis(settings.idleTimeoutSeconds());
  }

  /** A new connection: its first request head must arrive within the header timeout. */
  void connected(HttpConnection connection) {
    Watch watch = new Watch(connection);
    watches.put(connection, watch);
    connection.closeHandler(v -> {
      watch.closed = true;
      watch.cancel();
      watches.remove(connection);
    });
    watch.closeAfter(headerMs);
  }

  /** The router's first handler: a request head arrived; its body is timed, and the connection rests after it. */
  void requestArrived(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    Watch watch = watches.get(request.connection());
    if (watch != null) {
      watch.cancel();
      watch.inFlight++;
      long bodyTimer = request.isEnded() ? -1 : vertx.setTimer(bodyMs, id -> bodyTooSlow(ctx));
      ctx.addEndHandler(done -> {
        if (bodyTimer >= 0) {
          vertx.cancelTimer(bodyTimer);
        }
        if (--watch.inFlight == 0 && !watch.closed) {
          watch.closeAfter(idleMs);
        }
      });
    }
    ctx.next();
  }

  /** The body did not arrive whole in time: 408, and the connection closed (what is left of the body is never read). */
  private void bodyTooSlow(RoutingContext ctx) {
    if (ctx.request().isEnded()) {
      return;
    }
    if (ctx.response().headWritten()) {
      ctx.request().connection().close();
      return;
    }
    answerAndClose(ctx, GatewayError.of(ErrorClass.TIMEOUT, "client_body_timeout", "The request body did not arrive "
        + "whole within " + bodyMs / 1000.0 + " s (general_settings.client_body_timeout_seconds). Send the whole body "
        + "at once, with a Content-Length or a last chunk that matches what is sent."));
  }

  /**
   * Answers and closes the connection once the answer is written: for a request whose body was not
   * (or not wholly) read, the connection cannot carry another request.
   */
  static void answerAndClose(RoutingContext ctx, GatewayError error) {
    HttpConnection connection = ctx.request().connection();
    if (ctx.response().headWritten() || ctx.response().closed()) {
      connection.close();
      return;
    }
    ctx.response().putHeader(HttpHeaders.CONNECTION, HttpHeaders.CLOSE);
    ctx.addEndHandler(written -> connection.close());
    ErrorResponses.write(ctx.response(), error);
  }

  /**
   * The route-wide first failure handler: a request whose framing broke while its body was read (an
   * invalid chunk, a chunk too long) is answered 400 and closed (Vert.x closes such a connection at
   * once, so the answer may not get out); one whose client left is dropped without a word. Anything
   * else goes on to the router's error handlers.
   */
  static void framingFailure(RoutingContext ctx) {
    Throwable failure = ctx.failure();
    if (failure instanceof HttpClosedException || ctx.response().closed()) {
      return; // the client is gone: no one to answer, nothing to log
    }
    boolean malformed = failure instanceof DecoderException || failure instanceof NumberFormatException;
    if (!malformed || ctx.request().isEnded()) {
      ctx.next();
      return;
    }
    answerAndClose(ctx, GatewayError.badRequest(null, "The request could not be read: malformed HTTP framing ("
        + failure.getClass().getSimpleName() + (failure.getMessage() == null ? "" : ": " + failure.getMessage())
        + "). Send a valid HTTP/1.1 body: a Content-Length that matches it, or well-formed chunks."));
  }

  private static long millis(double seconds) {
    return Math.max(1, Math.round(seconds * 1000));
  }
}
