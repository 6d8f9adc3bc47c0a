package dev.switchboard.spend;

import dev.switchboard.bus.Addresses;
import dev.switchboard.bus.Bus;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Consumes {@code spend.record} off the request path: prices the usage, adds it to the shared
 * ledger and logs one structured line per request (logger {@code dev.switchboard.spend}).
 */
public final class SpendLogVerticle extends VerticleBase {

  private static final Logger LOG = Logger.getLogger("dev.switchboard.spend");

  private final Bus bus;
  private final SpendLedger ledger;

  public SpendLogVerticle(Bus bus, SpendLedger ledger) {
    this.bus = bus;
    this.ledger = ledger;
  }

  @Override
  public Future<?> start() {
    return bus.consume(Addresses.SPEND_RECORD, this::record);
  }

  void record(SpendEvent event) {
    double cost = CostCalculator.cost(event.deployment(), event.usage());
    ledger.add(event.model() == null ? "" : event.model(), event.usage(), cost, event.errorType() != null);
    if (LOG.isLoggable(Level.INFO)) {
      LOG.info(line(event, cost).encode());
    }
  }

  private static JsonObject line(SpendEvent event, double cost) {
    JsonObject line = new JsonObject()
        .put("event", "spend")
        .put("request_id", event.requestId())
        .put("model", event.model())
        .put("key_alias", event.keyAlias())
        .put("status", event.status())
        .put("stream", event.stream())
        .put("prompt_tokens", event.usage().promptTokens())
        .put("completion_tokens", event.usage().completionTokens())
        .put("total_tokens", event.usage().totalTokens())
        .put("cost_usd", cost)
        .put("start_time", Instant.ofEpochMilli(event.startEpochMillis()).toString())
        .put("duration_ms", event.durationNanos() / 1_000_000.0);
    if (event.deployment() != null) {
      line.put("deployment", event.deployment().id())
          .put("provider", event.deployment().provider().prefix());
    }
    if (event.timeToFirstByteNanos() > 0) {
      line.put("ttfb_ms", event.timeToFirstByteNanos() / 1_000_000.0);
    }
    if (event.errorType() != null) {
      line.put("error_type", event.errorType());
    }
    return line;
  }
}
