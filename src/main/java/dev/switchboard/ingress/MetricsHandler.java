package dev.switchboard.ingress;

import dev.switchboard.model.AuthCheck;
import dev.switchboard.model.Credentials;
import dev.switchboard.model.Principal;
import dev.switchboard.bus.Addresses;
import dev.switchboard.bus.Bus;
import dev.switchboard.errors.ErrorResponses;
import dev.switchboard.errors.ErrorClass;
import dev.switchboard.errors.GatewayError;
import dev.switchboard.metrics.Metrics;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;

/** {@code GET /metrics}: Prometheus text, behind the master key when {@code metrics_auth} is on. */
final class MetricsHandler implements Handler<RoutingContext> {

  static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private final Bus bus;
  private final Metrics metrics;
  private final boolean auth;

  MetricsHandler(Bus bus, Metrics metrics, boolean auth) {
    this.bus = bus;
    this.metrics = metrics;
    this.auth = auth;
  }

  @Override
  public void handle(RoutingContext ctx) {
    if (!auth) {
      scrape(ctx);
      return;
    }
    masterOnly(bus, ctx, "/metrics", () -> scrape(ctx));
  }

  private void scrape(RoutingContext ctx) {
    ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, CONTENT_TYPE).end(metrics.scrape());
  }

  /** Runs {@code then} when the caller holds the master key; answers 401/403 otherwise. */
  static void masterOnly(Bus bus, RoutingContext ctx, String what, Runnable then) {
    bus.<Principal>hop(Addresses.AUTH_CHECK, new AuthCheck(Credentials.from(ctx.request().headers())))
        .onSuccess(principal -> {
          if (principal.master() || principal == Principal.OPEN) {
            then.run();
          } else {
            ErrorResponses.write(ctx.response(), GatewayError.of(ErrorClass.PERMISSION_DENIED, "master_key_required", what + " needs the master key (general_settings.master_key); this is a virtual key."));
          }
        })
        .onFailure(failure -> ErrorResponses.write(ctx.response(), GatewayError.of(failure)));
  }
}
