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
    vertx.setPeriodic(0, 10, id -> {
      if (condition.getAsBoolean()) {
        vertx.cancelTimer(id);
        promise.tryComplete();
      } else if (System.currentTimeMillis() > deadline) {
        vertx.cancelTimer(id);
        promise.tryFail("condition not met within " + timeoutMs + " ms");
      }
    });
    return promise.future();
  }
}
