package dev.switchboard.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The runner's promise: every stage whose before succeeded gets its after, in reverse order, whatever happens. */
@ExtendWith(VertxExtension.class)
class ChainTest {

  /** A request that writes down what the stages did to it. */
  static final class Traced extends RequestContext {
    final List<String> steps = new ArrayList<>();
    final String header;

    Traced(String header) {
      super("req-1");
      this.header = header;
    }
  }

  /** The example of adding a stage: one class, one line in the chain. Records its before and after. */
  record Recording(String name, Behaviour behaviour) implements Stage<Traced> {

    enum Behaviour { PASS, REFUSE, THROW, ANSWER_ON_HEADER, FAIL_AFTER }

    @Override
    public Future<Void> before(Traced request) {
      request.steps.add("before " + name);
      return switch (behaviour) {
        case REFUSE -> Future.failedFuture(new IllegalArgumentException(name + " refuses"));
        case THROW -> throw new IllegalStateException(name + " is broken");
        case ANSWER_ON_HEADER -> {
          if ("cached".equals(request.header)) {
            request.answer();
          }
          yield Future.succeededFuture();
        }
        default -> Future.succeededFuture();
      };
    }

    @Override
    public Future<Void> after(Traced request) {
      request.steps.add("after " + name);
      return behaviour == Behaviour.FAIL_AFTER ? Future.failedFuture("cannot release") : Future.succeededFuture();
    }
  }

  private static Recording pass(String name) {
    return new Recording(name, Recording.Behaviour.PASS);
  }

  @Test
  void on_success_every_after_runs_in_reverse_order() {
    Traced request = new Chain<>(pass("a"), pass("b"), pass("c")).run(new Traced(null)).result();
    assertEquals(List.of("before a", "before b", "before c", "after c", "after b", "after a"), request.steps);
    assertFalse(request.failed());
  }

  @Test
  void a_refusal_skips_the_rest_and_unwinds_only_the_stages_that_took_something() {
    Traced request = new Chain<>(pass("a"), new Recording("limits", Recording.Behaviour.REFUSE), pass("c"))
        .run(new Traced(null)).result();
    assertEquals(List.of("before a", "before limits", "after a"), request.steps);
    assertInstanceOf(IllegalArgumentException.class, request.failure());
  }

  @Test
  void a_stage_that_throws_is_a_failure_and_the_chain_still_unwinds() {
    Traced request = new Chain<>(pass("a"), pass("b"), new Recording("broken", Recording.Behaviour.THROW))
        .run(new Traced(null)).result();
    assertEquals(List.of("before a", "before b", "before broken", "after b", "after a"), request.steps);
    assertInstanceOf(IllegalStateException.class, request.failure());
  }

  @Test
  void an_early_answer_skips_later_stages_and_unwinds_the_answering_one_too() {
    Chain<Traced> chain = new Chain<>(pass("auth"), new Recording("cache", Recording.Behaviour.ANSWER_ON_HEADER),
        pass("route"));
    Traced hit = chain.run(new Traced("cached")).result();
    assertEquals(List.of("before auth", "before cache", "after cache", "after auth"), hit.steps);
    assertTrue(hit.answered());
    assertNull(hit.failure());
    Traced miss = chain.run(new Traced(null)).result();
    assertEquals(6, miss.steps.size(), miss.steps.toString());
  }

  @Test
  void a_failing_after_does_not_stop_the_others() {
    Traced request = new Chain<>(pass("a"), new Recording("b", Recording.Behaviour.FAIL_AFTER), pass("c"))
        .run(new Traced(null)).result();
    assertEquals(List.of("before a", "before b", "before c", "after c", "after b", "after a"), request.steps);
  }

  @Test
  void asynchronous_stages_run_in_order_on_the_event_loop(Vertx vertx, VertxTestContext test) {
    Stage<Traced> slow = new Stage<>() {
      @Override
      public String name() {
        return "slow";
      }

      @Override
      public Future<Void> before(Traced request) {
        Promise<Void> later = Promise.promise();
        vertx.setTimer(5, id -> {
          request.steps.add("before slow");
          later.complete();
        });
        return later.future();
      }

      @Override
      public Future<Void> after(Traced request) {
        request.steps.add("after slow");
        return Future.succeededFuture();
      }
    };
    vertx.runOnContext(v -> new Chain<>(pass("a"), slow, pass("c")).run(new Traced(null))
        .onComplete(test.succeeding(request -> test.verify(() -> {
          assertEquals(List.of("before a", "before slow", "before c", "after c", "after slow", "after a"),
              request.steps);
          test.completeNow();
        }))));
  }
}
