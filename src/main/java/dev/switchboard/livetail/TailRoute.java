package dev.switchboard.livetail;

import dev.switchboard.bus.Addresses;
import dev.switchboard.errors.ErrorClass;
import dev.switchboard.errors.ErrorResponses;
import dev.switchboard.errors.GatewayError;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code GET /spend/logs/tail} (master key, checked by the admin guard in front of {@code /spend/*}):
 * Server-Sent Events, one {@code request} event per finished request on this node. Each client has a
 * bounded write queue; a frame that finds it full is dropped and counted, and the client is told how
 * many it missed ({@code dropped} event) once it reads again. Works without a database.
 */
public final class TailRoute {

  public static final String PATH = "/spend/logs/tail";

  private final Vertx vertx;
  private final LiveTail tail;

  public TailRoute(Vertx vertx, LiveTail tail) {
    this.vertx = vertx;
    this.tail = tail;
  }

  public void mount(Router router) {
    router.get(PATH).handler(this::open);
  }

  private void open(RoutingContext ctx) {
    if (!tail.open()) {
      ErrorResponses.write(ctx.response(), GatewayError.of(ErrorClass.RATE_LIMIT, "too_many_tails",
          "Already " + tail.maxTails() + " live tails open on this gateway; close one and try again."));
      return;
    }
    HttpServerResponse response = ctx.response().setChunked(true)
        .putHeader(HttpHeaders.CONTENT_TYPE, "text/event-stream; charset=utf-8")
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-store").putHeader("X-Accel-Buffering", "no");
    response.setWriteQueueMaxSize(tail.queueBytes());
    new Client(response).start();
  }

  /** One open tail: its consumer, its heartbeat and the frames it missed since it last read. */
  private final class Client {
    private final HttpServerResponse response;
    private MessageConsumer<String> consumer;
    private long heartbeat;
    private long missed;
    private boolean closed;

    Client(HttpServerResponse response) {
      this.response = response;
    }

    void start() {
      response.closeHandler(v -> close());
      response.exceptionHandler(e -> close());
      consumer = vertx.eventBus().localConsumer(Addresses.SPEND_TAIL, message -> send(message.body()));
      // Then a comment, which sends the headers: a client that has them is already listening.
      response.write(": switchboard live tail\nretry: 3000\n\n");
      heartbeat = vertx.setPeriodic(tail.heartbeatMs(), id -> send(null));
    }

    /** @param frame an event, or null for a heartbeat (a comment that keeps proxies from closing the stream) */
    private void send(String frame) {
      if (closed) {
        return;
      }
      if (response.writeQueueFull()) {
        if (frame != null) {
          missed++;
          tail.missed();
        }
        return;
      }
      if (missed > 0) {
        response.write("event: dropped\ndata: {\"dropped\":" + missed + "}\n\n");
        missed = 0;
      }
      if (frame == null) {
        response.write(": ping\n\n");
      } else {
        response.write(frame);
        tail.sent();
      }
    }

    private void close() {
      if (closed) {
        return;
      }
      closed = true;
      vertx.cancelTimer(heartbeat);
      if (consumer != null) {
        consumer.unregister();
      }
      tail.closed();
    }
  }
}
