package dev.switchboard.pipeline;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The stages of one kind of request, in order, and the one runner that walks them: every
 * {@code before} forward until one refuses or answers, then the {@code after} of every stage whose
 * {@code before} succeeded, in reverse order, on success, refusal, error or a stage that throws.
 * Nothing else pairs a take with its give-back.
 */
public final class Chain<C extends RequestContext> {

  private static final Logger LOG = Logger.getLogger(Chain.class.getName());

  private final List<Stage<C>> stages;

  @SafeVarargs
  public Chain(Stage<C>... stages) {
    this.stages = List.of(stages);
  }

  public List<Stage<C>> stages() {
    return stages;
  }

  /**
   * Runs the request through the chain. Always succeeds, once every {@code after} is done: the
   * outcome is on the context ({@link RequestContext#failure()}), for the caller to answer.
   */
  public Future<C> run(C request) {
    Promise<C> done = Promise.promise();
    forward(request, 0, done);
    return done.future();
  }

  private void forward(C request, int next, Promise<C> done) {
    if (next == stages.size() || request.answered()) {
      backward(request, next - 1, done);
      return;
    }
    call(stages.get(next), request, true).onComplete(before -> {
      if (before.succeeded()) {
        forward(request, next + 1, done);
      } else {
        request.fail(before.cause());
        backward(request, next - 1, done);
      }
    });
  }

  private void backward(C request, int stage, Promise<C> done) {
    if (stage < 0) {
      done.complete(request);
      return;
    }
    Stage<C> current = stages.get(stage);
    call(current, request, false).onComplete(after -> {
      if (after.failed()) {
        LOG.log(Level.WARNING, "Stage '" + current.name() + "' failed to release request " + request.requestId(),
            after.cause());
      }
      backward(request, stage - 1, done);
    });
  }

  /** A stage that throws is treated as one that failed: the chain still unwinds. */
  private static <C extends RequestContext> Future<Void> call(Stage<C> stage, C request, boolean before) {
    try {
      Future<Void> step = before ? stage.before(request) : stage.after(request);
      return step != null ? step : Future.failedFuture(new IllegalStateException(
          "Stage '" + stage.name() + "' returned no future"));
    } catch (RuntimeException thrown) {
      return Future.failedFuture(thrown);
    }
  }
}
