package dev.switchboard.spend;

import dev.switchboard.model.BudgetAlert;
import dev.switchboard.model.Principal;
import dev.switchboard.bus.Addresses;
import dev.switchboard.bus.Bus;
import dev.switchboard.model.VirtualKey;
import dev.switchboard.log.Logs;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The accounting stage, one instance per event loop: serves {@code budget.reserve}, and consumes
 * {@code spend.record}: prices the usage, settles the request's reservation,
 * adds it to the in-memory totals, hands the row to the spend writer and logs one line (logger
 * {@code dev.switchboard.spend}).
 */
public final class SpendLogVerticle extends VerticleBase {

  private static final Logger LOG = Logger.getLogger("dev.switchboard.spend");

  private final Bus bus;
  private final SpendLedger ledger;
  private final Accounting accounting;
  private final SpendMetrics metrics;
  private final SpendListener listener;

  /** @param metrics where each request's outcome is counted (the one place request metrics come from) */
  public SpendLogVerticle(Bus bus, SpendLedger ledger, Accounting accounting, SpendMetrics metrics) {
    this(bus, ledger, accounting, metrics, SpendListener.NONE);
  }

  /** @param listener told of each row as it is made (logging callbacks, alerts) */
  public SpendLogVerticle(Bus bus, SpendLedger ledger, Accounting accounting, SpendMetrics metrics,
      SpendListener listener) {
    this.listener = listener;
    this.bus = bus;
    this.ledger = ledger;
    this.accounting = accounting;
    this.metrics = metrics;
  }

  @Override
  public Future<?> start() {
    return Future.all(
        bus.serve(Addresses.BUDGET_RESERVE, (BudgetCheck check) -> accounting.budgets().reserve(check)),
        bus.serve(Addresses.SPEND_RECORD, this::record));
  }

  /** @return completed once the request's row is in the spool (at once without a database) */
  Future<Void> record(SpendEvent event) {
    double cost = event.price().cost(event.usage());
    for (BudgetAlert alert : accounting.budgets().settle(event.reservation(), cost)) {
      softBudgetCrossed(alert);
    }
    ledger.add(event.model() == null ? "" : event.model(), event.usage(), cost, event.errorType() != null);
    metrics.request(event, cost);
    accounting.budgets().remaining(event.reservation(), event.principal(), metrics::remainingBudget);
    SpendRow row = row(event, cost);
    try {
      listener.recorded(event, row);
    } catch (RuntimeException e) { // a callback's trouble never costs the request its row
      LOG.log(Level.WARNING, "A spend listener failed", e);
    }
    if (LOG.isLoggable(Level.INFO)) {
      Logs.event(LOG, Level.INFO, event.requestId(), "spend", () -> line(event, cost));
    }
    return accounting.spool(row);
  }

  /** Recorded, never refused: a WARNING line (no key, no hash), a metric, and an alert for the alerting consumers. */
  private void softBudgetCrossed(BudgetAlert alert) {
    LOG.warning(() -> String.format("Soft budget crossed: %s '%s' has spent $%.6f of its soft_budget $%.6f%s",
        alert.scope(), alert.name(), alert.spend(), alert.softBudget(),
        alert.maxBudget() == null ? "" : String.format(" (max_budget $%.6f)", alert.maxBudget())));
    metrics.softBudgetCrossed(alert.scope());
    bus.publish(Addresses.ALERTS, alert);
  }

  private SpendRow row(SpendEvent event, double cost) {
    Principal principal = event.principal();
    VirtualKey key = principal == null ? null : principal.key();
    List<Charge> charges = event.reservation() != null ? event.reservation().charges()
        : accounting.budgets().chargesOf(principal, event.startEpochMillis(), event.endUser());
    long endMillis = event.startEpochMillis() + event.durationNanos() / 1_000_000;
    return new SpendRow(event.requestId(),
        key == null ? null : key.tokenHash(),
        key == null ? null : key.keyName(),
        // LiteLLM's key_alias: the key's own alias, null when it has none (not its display name).
        key != null ? key.keyAlias() : principal == null ? null : principal.keyAlias(),
        key == null ? null : key.userId(),
        key == null ? null : key.teamId(),
        event.model(),
        event.deployment() == null ? null : event.deployment().id(),
        event.deployment() == null ? null : event.deployment().upstreamModel(),
        event.deployment() == null ? null : event.deployment().provider().prefix(),
        event.usage().promptTokens(), event.usage().completionTokens(), event.usage().cachedTokens(),
        event.usage().totalTokens(), cost, event.startEpochMillis(), endMillis,
        event.timeToFirstByteNanos() > 0 ? event.timeToFirstByteNanos() / 1_000_000.0 : null,
        event.status(), event.errorType(), event.stream(), event.tags(), event.endUser(), charges, event.callType(),
        SpendLogMetadata.detail(event, endMillis));
  }

  private static JsonObject line(SpendEvent event, double cost) {
    JsonObject line = new JsonObject()
        .put("event", "spend")
        .put("model", event.model())
        .put("key_alias", event.principal() == null ? null : event.principal().keyAlias())
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
