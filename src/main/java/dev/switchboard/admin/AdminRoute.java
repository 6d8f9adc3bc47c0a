package dev.switchboard.admin;

import dev.switchboard.errors.ErrorResponses;
import dev.switchboard.errors.GatewayError;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * An admin route's handler: runs its action (behind {@link AdminGuard}, which has already let the
 * caller in) and writes its JSON answer, or its error in OpenAI's shape.
 */
public final class AdminRoute {

  private static final Logger LOG = Logger.getLogger(AdminRoute.class.getName());

  private AdminRoute() {
  }

  /** @param action answers a {@link JsonObject} or a {@link JsonArray} */
  public static Handler<RoutingContext> json(Function<RoutingContext, Future<?>> action) {
    return ctx -> {
      Future<?> answered;
      try {
        answered = action.apply(ctx);
      } catch (RuntimeException e) {
        answered = Future.failedFuture(e);
      }
      answered.onComplete(outcome -> {
        if (outcome.succeeded()) {
          Object answer = outcome.result();
          ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
              .end(answer instanceof JsonArray list ? list.toBuffer() : ((JsonObject) answer).toBuffer());
          return;
        }
        GatewayError error = GatewayError.of(outcome.cause());
        if (!(outcome.cause() instanceof GatewayError) && error.status() == 500) {
          LOG.log(Level.SEVERE, "Admin request " + ctx.request().path() + " failed", outcome.cause());
        }
        ErrorResponses.write(ctx.response(), error);
      });
    };
  }
}
