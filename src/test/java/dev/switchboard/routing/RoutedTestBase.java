package dev.switchboard.routing;

import dev.switchboard.testing.MockProvider;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.ExtendWith;

/** A routing test's gateway in front of its mock, started from YAML where {@code $BASE} is the mock's api_base. */
@ExtendWith(VertxExtension.class)
abstract class RoutedTestBase {

  Routed gw;

  @AfterEach
  void stopGateway(VertxTestContext ctx) {
    (gw == null ? Future.<Void>succeededFuture() : gw.close()).onComplete(ctx.succeedingThenComplete());
  }

  Future<Routed> start(Vertx vertx, MockProvider mock, String yaml) {
    return Routed.start(vertx, mock, base -> yaml.replace("$BASE", base)).onSuccess(g -> gw = g);
  }
}
