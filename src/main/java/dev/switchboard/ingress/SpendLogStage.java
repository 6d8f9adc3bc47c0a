package dev.switchboard.ingress;

import dev.switchboard.bus.Addresses;
import dev.switchboard.bus.Bus;
import dev.switchboard.errors.GatewayError;
import dev.switchboard.pipeline.Stage;
import dev.switchboard.model.Deployment;
import dev.switchboard.model.RelayResult;
import dev.switchboard.spend.CallContent;
import dev.switchboard.spend.InFlight;
import dev.switchboard.spend.SpendEvent;
import dev.switchboard.tracing.RequestSpans;
import dev.switchboard.model.Usage;
import dev.switchboard.model.VirtualKey;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.function.BooleanSupplier;
import java.util.concurrent.TimeUnit;

/**
 * Hands every authenticated request's outcome to the SpendLog verticle, refusals included; it
 * settles the budget reservation and metrics from the row. The answer's last byte leaves only once
 * the row is spooled, so a gateway killed after it cannot lose the row.
 */
final class SpendLogStage implements Stage<ModelCall> {

  /** The longest an answer waits for its spend row to be spooled. */
  private static final long SPOOL_WAIT_MS = 5_000;

  /** The most prompt bytes a stream keeps for the logging callbacks once its answer begins. */
  static final long STREAMED_PROMPT_LOG_BYTES = 256 * 1024;

  private final Bus bus;
  private final BooleanSupplier logsPrompts;
  private final InFlight inFlight;

  /**
   * @param logsPrompts whether some logging callback may log prompt text (asked per request: a reload changes it)
   * @param inFlight    told when each request begins and ends, for the hanging-request alert
   */
  SpendLogStage(Bus bus, BooleanSupplier logsPrompts, InFlight inFlight) {
    this.bus = bus;
    this.logsPrompts = logsPrompts;
    this.inFlight = inFlight;
  }

  @Override
  public String name() {
    return "spend";
  }

  @Override
  public Future<Void> before(ModelCall request) {
    inFlight.begin(request.requestId(), request.model(), request.startMillis(),
        request.principal == null ? null : request.principal.keyAlias());
    // A stream lets its body go when the answer begins; the callbacks still log its prompt.
    // Logging off for this request: its parameters (and that switch) are kept, never its prompt.
    if (request.call != null && request.call.stream() && !request.call.body().released() && logsPrompts.getAsBoolean()) {
      request.call.body().keepForLogging(messageLoggingOff(request) ? 0 : STREAMED_PROMPT_LOG_BYTES);
    }
    return Future.succeededFuture();
  }

  /** The request's own or its key's or team's turn_off_message_logging: nothing to keep for it. */
  private static boolean messageLoggingOff(ModelCall request) {
    if (Boolean.TRUE.equals(request.call.body().json().getValue("turn_off_message_logging"))) {
      return true;
    }
    VirtualKey key = request.principal == null ? null : request.principal.key();
    return key != null && (turnedOff(key.metadata()) || turnedOff(key.teamMetadata()));
  }

  private static boolean turnedOff(JsonObject metadata) {
    return metadata != null && Boolean.TRUE.equals(metadata.getValue("turn_off_message_logging"));
  }

  /** Before the answer's last byte, a stream's [DONE] included. */
  @Override
  public Future<Void> after(ModelCall request) {
    inFlight.end(request.requestId());
    GatewayError error = request.error();
    String errorType = error != null ? error.type() : request.result != null && request.result.clientGone()
        ? "client_disconnected" : null;
    return record(request, request.trace.deployment(), request.result, request.status(), errorType,
        System.nanoTime() - request.startNanos());
  }

  /** References only: the logging callbacks read them later, on their own thread. */
  private static CallContent content(ModelCall request, RelayResult result) {
    JsonObject logged = request.call == null ? null : request.call.body().loggedRequest();
    return new CallContent(logged, logged == null ? 0 : Math.min(request.call.body().prompt().bound(),
        request.call.body().released() ? STREAMED_PROMPT_LOG_BYTES : Long.MAX_VALUE),
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
