package dev.switchboard.bus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.switchboard.errors.GatewayError;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
class BusTest {

  record Ping(String from) {
  }

  record Pong(String servedOn, Ping ping) {
  }

  private Vertx vertx;
  private Bus bus;

  @BeforeEach
  void start(VertxTestContext ctx) {
    vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(4));
    bus = new Bus(vertx);
    bus.registerLocalCodecs(Ping.class, Pong.class, GatewayError.class);
    vertx.deployVerticle(() -> new VerticleBase() {
      @Override
      public Future<?> start() {
        return bus.serve("test.ping", (Ping ping) -> "fail".equals(ping.from())
            ? Future.failedFuture(new GatewayError(429, "rate_limit_error", "x", null, "slow down", "2"))
            : Future.succeededFuture(new Pong(Thread.currentThread().getName(), ping)));
      }
    }, new DeploymentOptions().setInstances(4)).onComplete(ctx.succeedingThenComplete());
  }

  @AfterEach
  void stop(VertxTestContext ctx) {
    vertx.close().onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void each_hop_is_served_on_the_senders_event_loop_by_reference(VertxTestContext ctx) {
    int senders = 4;
    int hops = 50;
    var done = ctx.checkpoint(senders);
    vertx.deployVerticle(() -> new VerticleBase() {
      @Override
      public Future<?> start() {
        Promise<Void> finished = Promise.promise();
        hop(0, finished);
        finished.future().onComplete(v -> done.flag());
        return Future.succeededFuture();
      }

      private void hop(int i, Promise<Void> finished) {
        if (i == hops) {
          finished.complete();
          return;
        }
        Ping ping = new Ping(Thread.currentThread().getName());
        bus.<Pong>request("test.ping", ping).onComplete(ctx.succeeding(pong -> {
          ctx.verify(() -> {
            assertEquals(ping.from(), pong.servedOn(), "the hop left its event loop");
            assertSame(ping, pong.ping(), "the message was copied");
          });
          hop(i + 1, finished);
        }));
      }
    }, new DeploymentOptions().setInstances(senders)).onComplete(ctx.succeeding(id -> { }));
  }

  @Test
  void a_gateway_error_crosses_the_bus_as_the_failure_itself(VertxTestContext ctx) {
    vertx.runOnContext(v -> bus.request("test.ping", new Ping("fail")).onComplete(ctx.failing(failure -> ctx.verify(() -> {
      GatewayError error = (GatewayError) failure;
      assertEquals(429, error.status());
      assertEquals("2", error.retryAfter());
      ctx.completeNow();
    }))));
  }

  @Test
  void a_message_type_cannot_be_registered_twice() {
    try {
      bus.registerLocalCodecs(Ping.class);
    } catch (IllegalStateException expected) {
      assertSame(IllegalStateException.class, expected.getClass());
      return;
    }
    throw new AssertionError("registering a codec twice must fail loudly");
  }
}
