package dev.switchboard.callbacks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.Gateway;
import dev.switchboard.testing.Awaits;
import dev.switchboard.testing.Gateways;
import dev.switchboard.testing.MockProvider;
import dev.switchboard.testing.Requests;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A sink that fails every post or never answers: every request still succeeds, the sink's queue
 * stays within its bound, and what cannot be delivered is dropped and counted
 * ({@code switchboard_callback_events_dropped_total}). How little latency a bad sink adds is a
 * benchmark's figure, not a timed assertion here.
 */
@ExtendWith(VertxExtension.class)
class SinkTroubleTest {

  private static final int QUEUE = 4;
  private static final int REQUESTS = 40;

  private MockProvider mock;
  private SinkServer sink;
  private Gateway gateway;
  private WebClient client;

  @AfterEach
  void stop(VertxTestContext ctx) {
    if (client != null) {
      client.close();
    }
    Future.join(gateway == null ? Future.succeededFuture() : gateway.close(),
        sink == null ? Future.succeededFuture() : sink.stop(),
        mock == null ? Future.succeededFuture() : mock.stop()).onComplete(ctx.succeedingThenComplete());
  }

  private Future<List<Integer>> run(Vertx vertx, SinkServer.Mode mode) {
    mock = new MockProvider(vertx);
    sink = new SinkServer(vertx, mode, 200);
    client = WebClient.create(vertx);
    return sink.start().compose(s -> mock.start())
        .compose(m -> Gateways.start(CallbackSinksTest.config(m.apiBase(), "callbacks: [\"generic_api\"]",
            "callback_queue_size: " + QUEUE + "\n  callback_batch_size: 1"),
            Map.of("GENERIC_LOGGER_ENDPOINT", sink.url("/log")), 2))
        .compose(g -> {
          gateway = g;
          List<Future<Integer>> answers = new ArrayList<>();
          for (int i = 0; i < REQUESTS; i++) {
            answers.add(client.post(g.port(), "127.0.0.1", "/v1/chat/completions")
                .putHeader("Authorization", "Bearer " + CallbackSinksTest.MASTER)
                .sendJsonObject(Requests.chat("chat").user("hi " + i).build()).map(r -> r.statusCode()));
          }
          return Future.all(answers).map(all -> all.<Integer>list());
        });
  }

  private String scrape() {
    return gateway.metrics().scrape();
  }

  private static double depth(String scrape) {
    for (String line : scrape.split("\n")) {
      if (line.startsWith("switchboard_callback_queue_depth{")) {
        return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    throw new AssertionError("no queue depth gauge in /metrics");
  }

  @Test
  void a_sink_that_fails_every_post_drops_and_counts_while_requests_succeed(Vertx vertx, VertxTestContext ctx) {
    run(vertx, SinkServer.Mode.FAIL)
        .compose(statuses -> {
          ctx.verify(() -> statuses.forEach(s -> assertEquals(200, s)));
          return Awaits.until(vertx, () -> gateway.callbacks().dropped("generic_api") > 0, 15_000);
        })
        .onComplete(ctx.succeeding(v -> ctx.verify(() -> {
          assertTrue(depth(scrape()) <= QUEUE, "the queue passed its bound");
          assertTrue(scrape().contains("switchboard_callback_events_dropped_total{callback=\"generic_api\"}"), scrape());
          assertTrue(!sink.posts.isEmpty(), "the sink was tried");
          ctx.completeNow();
        })));
  }

  @Test
  void a_sink_that_never_answers_drops_and_counts_while_requests_succeed(Vertx vertx, VertxTestContext ctx) {
    run(vertx, SinkServer.Mode.HANG)
        .compose(statuses -> {
          ctx.verify(() -> statuses.forEach(s -> assertEquals(200, s)));
          return Awaits.until(vertx, () -> gateway.callbacks().dropped("generic_api") >= REQUESTS - QUEUE - 1, 15_000);
        })
        .onComplete(ctx.succeeding(v -> ctx.verify(() -> {
          assertTrue(depth(scrape()) <= QUEUE, "the queue passed its bound");
          assertEquals(1, sink.posts.size(), "one post at a time: the sink's queue waits behind the hanging one");
          ctx.completeNow();
        })));
  }
}
