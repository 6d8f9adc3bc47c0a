package dev.switchboard.ingress;

import dev.switchboard.bus.Addresses;
import dev.switchboard.bus.Bus;
import dev.switchboard.pipeline.Stage;
import dev.switchboard.model.Deployment;
import dev.switchboard.routing.CallRouter;
import dev.switchboard.spend.BudgetCheck;
import dev.switchboard.spend.Reservation;
import dev.switchboard.tracing.RequestSpans;
import io.vertx.core.Future;

/**
 * Reserves the request's worst-case cost against every budget it counts toward (key, user, team,
 * proxy) before routing, so concurrent requests cannot spend past a budget. The reservation is
 * priced at the group's dearest deployment, whichever one routing then picks. The spend row the
 * spend-log stage writes settles it (row and settlement go to Postgres together), so this stage
 * has nothing to give back itself.
 */
final class BudgetStage implements Stage<ModelCall> {

  private final Bus bus;
  private final CallRouter calls;

  BudgetStage(Bus bus, CallRouter calls) {
    this.bus = bus;
    this.calls = calls;
  }

  @Override
  public String name() {
    return "budget";
  }

  @Override
  public Future<Void> before(ModelCall request) {
    Deployment priced = calls.dearest(request.models, request.model());
    if (priced == null) {
      return Future.succeededFuture(); // an empty group: routing answers for it
    }
    return RequestSpans.ending(bus.<Reservation>hop(Addresses.BUDGET_RESERVE, new BudgetCheck(request.requestId(),
        request.principal, priced, request.models.price(priced), request.call.body(), request.startMillis(),
        request.endUser())),
        request.spans.start("budget")).map(reservation -> {
          request.reservation = reservation;
          return null;
        });
  }
}
