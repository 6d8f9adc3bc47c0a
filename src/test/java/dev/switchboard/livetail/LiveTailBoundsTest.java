package dev.switchboard.livetail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.bus.Addresses;
import dev.switchboard.bus.Bus;
import dev.switchboard.testing.Awaits;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.junit5.VertxExtension;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A tail whose client stops reading: the frames that find its small write queue full are dropped and
 * counted (never queued without bound), the client is told how many once it reads again, and tails
 * past the limit are refused until one closes.
 */
@ExtendWith(VertxExtension.class)
class LiveTailBoundsTest {

  private static final int FRAMES = 8_000;
  private static final String PAD = "x".repeat(1000);

  @Test
  void a_slow_client_misses_frames_and_is_told_how_many(Vertx vertx) throws Exception {
    Bus bus = new Bus(vertx);
    LiveTail tail = new LiveTail(bus, 1, 4096, 100);
    Router router = Router.router(vertx);
    new TailRoute(vertx, tail).mount(router);
    HttpServer server = await(vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1"));
    try (Socket slow = open(server.actualPort())) {
      BufferedReader in = new BufferedReader(new InputStreamReader(slow.getInputStream(), StandardCharsets.UTF_8));
      assertTrue(in.readLine().startsWith("HTTP/1.1 200"));
      String line;
      while (!(line = in.readLine()).contains("switchboard live tail")) {
        assertTrue(line != null);
      }
      for (int i = 0; i < FRAMES; i++) { // ~8 MB, more than the socket's buffers hold while nobody reads
        bus.publish(Addresses.SPEND_TAIL, "event: request\ndata: {\"seq\":" + i + ",\"pad\":\"" + PAD + "\"}\n\n");
      }
      await(Awaits.until(vertx, () -> tail.sentFrames() + tail.dropped() == FRAMES, 30_000));
      assertTrue(tail.dropped() > 0, "a client that does not read loses frames");

      try (Socket refused = open(server.actualPort())) {
        String status = new BufferedReader(new InputStreamReader(refused.getInputStream(), StandardCharsets.UTF_8)).readLine();
        assertTrue(status.startsWith("HTTP/1.1 429"), "one tail at most: " + status);
      }

      // Reading again: the frames sent, in order from the first, then how many were missed.
      long expected = 0;
      slow.setSoTimeout(20_000);
      while (true) {
        line = in.readLine();
        assertTrue(line != null, "the stream ended before the dropped notice");
        if (line.startsWith("data: {\"seq\":")) {
          assertEquals(expected++, Long.parseLong(line.substring(13, line.indexOf(','))));
        } else if (line.startsWith("data: {\"dropped\":")) {
          assertEquals(tail.sentFrames(), expected, "every frame written was read, in order");
          assertEquals(tail.dropped(), Long.parseLong(line.substring(17, line.indexOf('}'))));
          assertEquals(FRAMES, expected + tail.dropped());
          break;
        }
      }
    }
    await(Awaits.until(vertx, () -> tail.tails() == 0, 10_000));
    try (Socket again = open(server.actualPort())) {
      String status = new BufferedReader(new InputStreamReader(again.getInputStream(), StandardCharsets.UTF_8)).readLine();
      assertTrue(status.startsWith("HTTP/1.1 200"), "a closed tail frees its place: " + status);
    }
    await(server.close());
  }

  private static Socket open(int port) throws Exception {
    Socket socket = new Socket();
    socket.setReceiveBufferSize(4096); // before connecting, so the window stays small
    socket.connect(new java.net.InetSocketAddress("127.0.0.1", port), 10_000);
    socket.setSoTimeout(20_000);
    OutputStream out = socket.getOutputStream();
    out.write(("GET " + TailRoute.PATH + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
    out.flush();
    return socket;
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}
