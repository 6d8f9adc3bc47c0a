package dev.switchboard.testing;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A raw TCP client on loopback for tests of HTTP framing: sends bytes as given (whole, or one part
 * at a time with a pause between parts) and reports everything the server wrote once it closes the
 * connection. A wait for the close is bounded: past it the future fails saying what came so far.
 */
public final class RawHttp {

  /** What the server wrote, and whether it closed the connection (always true when the future succeeds). */
  public record Exchange(String received) {

    /** The first line, e.g. {@code HTTP/1.1 408 Request Timeout}; empty when nothing was written. */
    public String statusLine() {
      int end = received.indexOf("\r\n");
      return end < 0 ? received : received.substring(0, end);
    }
  }

  private RawHttp() {
  }

  /**
   * Connects, writes {@code parts} one after the other ({@code pauseMs} apart, while the connection
   * is open), then waits up to {@code closeWithinMs} for the server to close the connection.
   */
  public static Future<Exchange> send(Vertx vertx, int port, List<String> parts, long pauseMs, long closeWithinMs) {
    NetClient client = vertx.createNetClient();
    Promise<Exchange> done = Promise.promise();
    Buffer received = Buffer.buffer();
    client.connect(port, "127.0.0.1").onFailure(done::fail).onSuccess(socket -> {
      socket.handler(received::appendBuffer);
      socket.closeHandler(v -> done.tryComplete(new Exchange(received.toString(StandardCharsets.ISO_8859_1))));
      write(vertx, socket, parts, 0, pauseMs, done);
    });
    return done.future().timeout(closeWithinMs, TimeUnit.MILLISECONDS)
        .recover(failure -> Future.failedFuture(new AssertionError("the server did not close the connection within "
            + closeWithinMs + " ms; it wrote: " + received.toString(StandardCharsets.ISO_8859_1), failure)))
        .eventually(client::close);
  }

  private static void write(Vertx vertx, NetSocket socket, List<String> parts, int index, long pauseMs,
      Promise<Exchange> done) {
    if (index == parts.size() || done.future().isComplete()) {
      return;
    }
    socket.write(Buffer.buffer(parts.get(index).getBytes(StandardCharsets.ISO_8859_1)));
    if (pauseMs == 0) {
      write(vertx, socket, parts, index + 1, pauseMs, done);
    } else {
      vertx.setTimer(pauseMs, id -> write(vertx, socket, parts, index + 1, pauseMs, done));
    }
  }

  /** A header line repeated {@code count} times: a head that dribbles in and never ends. */
  public static List<String> dribble(String start, String part, int count) {
    List<String> parts = new java.util.ArrayList<>(count + 1);
    parts.add(start);
    for (int i = 0; i < count; i++) {
      parts.add(part);
    }
    return parts;
  }
}
