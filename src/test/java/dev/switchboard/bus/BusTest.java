package dev.switchboard.bus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.switchboard.errors.GatewayError;
import io.vertx.core.Context;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
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
            ? Future.failedFuture(GatewayError.of(dev.switchboard.errors.ErrorClass.RATE_LIMIT, "x", "slow down").withRetryAfter("2"))
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
        bus.<Pong>hop("test.ping", ping).onComplete(ctx.succeeding(pong -> {
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
    vertx.runOnContext(v -> bus.hop("test.ping", new Ping("fail")).onComplete(ctx.failing(failure -> ctx.verify(() -> {
      GatewayError error = (GatewayError) failure;
      assertEquals(429, error.status());
      assertEquals("2", error.retryAfter());
      ctx.completeNow();
    }))));
  }

  @Test
  void a_hop_on_the_stages_loop_is_a_queued_message_counted_once_and_never_reaches_a_stopped_stage(VertxTestContext ctx) {
    AtomicBoolean insideRequest = new AtomicBoolean();
    AtomicInteger served = new AtomicInteger();
    Context[] stageContext = new Context[1];
    stage("test.direct", stageContext, ping -> {
      served.incrementAndGet();
      return Future.succeededFuture(new Pong(String.valueOf(insideRequest.get()), ping));
    }).onComplete(ctx.succeeding(id -> stageContext[0].runOnContext(v -> {
      insideRequest.set(true);
      Future<Pong> answered = bus.hop("test.direct", new Ping("me"));
      insideRequest.set(false);
      answered
          .compose(pong -> {
            ctx.verify(() -> assertEquals("false", pong.servedOn(),
                "a hop is a message: served after the caller's own work, in the loop's order"));
            return vertx.undeploy(id);
          })
          .compose(undeployed -> {
            Promise<Pong> after = Promise.promise();
            stageContext[0].runOnContext(again -> bus.<Pong>hop("test.direct", new Ping("late")).onComplete(after));
            return after.future();
          })
          .onComplete(ctx.failing(failure -> ctx.verify(() -> {
            assertEquals(1, served.get(), "the stopped stage was not called");
            assertEquals(2, bus.hops("test.direct"), "each hop counted once");
            ctx.completeNow();
          })));
    })));
  }

  @Test
  void an_answer_completed_on_another_loop_is_delivered_on_the_callers(VertxTestContext ctx) {
    Context elsewhere = vertx.getOrCreateContext();
    Context[] stageContext = new Context[1];
    stage("test.later", stageContext, ping -> {
      Promise<Pong> later = Promise.promise();
      elsewhere.runOnContext(v -> later.complete(new Pong(Thread.currentThread().getName(), ping)));
      return later.future();
    }).onComplete(ctx.succeeding(id -> stageContext[0].runOnContext(v -> {
      Thread caller = Thread.currentThread();
      bus.<Pong>hop("test.later", new Ping(caller.getName())).onComplete(ctx.succeeding(pong -> ctx.verify(() -> {
        assertNotEquals(caller.getName(), pong.servedOn(), "the answer was completed on another loop");
        assertSame(caller, Thread.currentThread(), "and delivered on the caller's");
        ctx.completeNow();
      })));
    })));
  }

  /** Deploys one verticle serving {@code address} with {@code handler}; its context lands in {@code deployedOn[0]}. */
  private Future<String> stage(String address, Context[] deployedOn, Function<Ping, Future<Pong>> handler) {
    return vertx.deployVerticle(new VerticleBase() {
      @Override
      public Future<?> start() {
        deployedOn[0] = context;
        return bus.serve(address, handler);
      }
    });
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
