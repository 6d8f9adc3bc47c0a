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

  /**
   * Waits, if need be, for the next minute: limits count in clock-aligned minutes, so a test that
   * counts requests against one must not straddle two. Completes at once when {@code seconds} or
   * more are left in the current minute.
   */
  public static Future<Void> minuteHasAtLeast(Vertx vertx, int seconds) {
    return until(vertx, () -> 60_000 - System.currentTimeMillis() % 60_000 >= seconds * 1000L, 65_000);
  }
}
