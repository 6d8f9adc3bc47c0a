package dev.switchboard.ingress;

import dev.switchboard.bus.Addresses;
import dev.switchboard.bus.Bus;
import dev.switchboard.errors.GatewayError;
import dev.switchboard.pipeline.Stage;
import dev.switchboard.model.Deployment;
import dev.switchboard.model.RelayResult;
import dev.switchboard.spend.CallContent;
import dev.switchboard.spend.SpendEvent;
import dev.switchboard.tracing.RequestSpans;
import dev.switchboard.model.Usage;
import io.vertx.core.Future;
import java.util.concurrent.TimeUnit;

/**
 * Hands every authenticated request's outcome to the SpendLog verticle, refusals included; it
 * settles the budget reservation and metrics from the row. The answer's last byte leaves only once
 * the row is spooled, so a gateway killed after it cannot lose the row.
 */
final class SpendLogStage implements Stage<ModelCall> {

  /** The longest an answer waits for its spend row to be spooled. */
  private static final long SPOOL_WAIT_MS = 5_000;

  private final Bus bus;

  SpendLogStage(Bus bus) {
    this.bus = bus;
  }

  @Override
  public String name() {
    return "spend";
  }

  @Override
  public Future<Void> before(ModelCall request) {
    return Future.succeededFuture();
  }

  /** Before the answer's last byte, a stream's [DONE] included. */
  @Override
  public Future<Void> after(ModelCall request) {
    GatewayError error = request.error();
    String errorType = error != null ? error.type() : request.result != null && request.result.clientGone()
        ? "client_disconnected" : null;
    return record(request, request.trace.deployment(), request.result, request.status(), errorType,
        System.nanoTime() - request.startNanos());
  }

  /** References only: the logging callbacks read them later, on their own thread. */
  private static CallContent content(ModelCall request, RelayResult result) {
    boolean kept = request.call != null && !request.call.body().released();
    return new CallContent(kept ? request.call.body().json() : null, kept ? request.call.body().prompt().bound() : 0,
        result == null ? null : result.body(), result == null ? null : result.streamedAnswer());
  }

  /** Completes once the row is spooled (bounded: trouble with the spool delays no answer for long and fails none). */
  private Future<Void> record(ModelCall request, Deployment deployment, RelayResult result, int status,
      String errorType, long durationNanos) {
    Usage usage = result == null ? Usage.NONE : result.usage();
    SpendEvent event = new SpendEvent(request.requestId(), request.model(), deployment,
        request.models.price(deployment), request.principal, request.reservation, usage, request.call.stream(), status,
        errorType, request.startMillis(), durationNanos, result == null ? 0 : result.firstByteNanos(),
        request.trace.providerNanos(), request.tags, request.endUser(),
        request.callType != null ? request.callType : request.operation.callType(), request.clientIp, request.clientMetadata,
        request.cacheOutcome == null ? null : request.cacheOutcome.key, request.cacheOutcome != null && request.cacheOutcome.hit,
        content(request, result));
    return RequestSpans.ending(bus.<Void>hop(Addresses.SPEND_RECORD, event), request.spans.start("spend"))
        .timeout(SPOOL_WAIT_MS, TimeUnit.MILLISECONDS).otherwiseEmpty();
  }
}
