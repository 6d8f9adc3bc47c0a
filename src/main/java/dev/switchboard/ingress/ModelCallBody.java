package dev.switchboard.ingress;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;

/**
 * Reads a model call's body for the request itself, not into the routing context as Vert.x Web's
 * BodyHandler does: the context lives as long as the answer, and a stream's answer lasts minutes,
 * while the request lets go of its bytes once they are parsed. Over the limit is a 413 as soon as it
 * is known (the declared length, or the bytes read so far), never buffered whole.
 */
final class ModelCallBody {

  /** What is read so far; let go once handed over, since the request's handlers outlive the read by as long as the answer. */
  private Buffer body;
  private Promise<Buffer> whole = Promise.promise();

  private ModelCallBody(Buffer body) {
    this.body = body;
  }

  /** The whole body, or nothing when the request already failed (413, broken framing: the router's failure handlers answer). */
  static Future<Buffer> read(RoutingContext ctx, long limit) {
    HttpServerRequest request = ctx.request();
    long declared = declaredLength(request);
    if (declared > limit) {
      ctx.fail(413);
      return Promise.<Buffer>promise().future();
    }
    ModelCallBody reading = new ModelCallBody(Buffer.buffer(declared > 0 ? (int) declared : 1024));
    Future<Buffer> read = reading.whole.future();
    request.handler(chunk -> {
      if (reading.body == null || ctx.failed()) {
        return;
      }
      if (reading.body.length() + chunk.length() > limit) {
        reading.letGo();
        ctx.fail(413);
        return;
      }
      reading.body.appendBuffer(chunk);
    });
    request.exceptionHandler(failure -> {
      reading.letGo();
      if (!ctx.failed()) {
        ctx.fail(failure);
      }
    });
    request.endHandler(end -> {
      Buffer complete = reading.body;
      Promise<Buffer> handOver = reading.whole;
      reading.letGo();
      if (complete != null && handOver != null && !ctx.failed()) {
        handOver.complete(complete);
      }
    });
    request.resume();
    return read;
  }

  private void letGo() {
    body = null;
    whole = null;
  }

  private static long declaredLength(HttpServerRequest request) {
    String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
    if (length == null) {
      return -1;
    }
    try {
      return Long.parseLong(length.trim());
    } catch (NumberFormatException unreadable) {
      return -1; // the HTTP decoder refuses such a request itself
    }
  }
}
