package dev.switchboard.testing;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.function.BooleanSupplier;

/** Waits for a condition by polling on a Vert.x timer (not by sleeping), bounded in time. */
public final class Awaits {

  private Awaits() {
  }

  public static Future<Void> until(Vertx vertx, BooleanSupplier condition, long timeoutMs) {
    Promise<Void> promise = Promise.promise();
    long deadline = System.currentTimeMillis() + timeoutMs;
    if (condition.getAsBoolean()) {
      return Future.succeededFuture();
    }
    // An initial delay of at least 1 ms: a periodic timer cancelled in its very first run can fail
    // in Vert.x 5.0 (its future is not set yet), which would leave this wait hanging.
    vertx.setPeriodic(10, id -> {
      if (condition.getAsBoolean()) {
        promise.tryComplete();
        vertx.cancelTimer(id);
      } else if (System.currentTimeMillis() > deadline) {
        promise.tryFail("condition not met within " + timeoutMs + " ms");
        vertx.cancelTimer(id);
      }
    });
    return promise.future();
  }
}
