package dev.switchboard.spend;

import dev.switchboard.bus.Bus;
import dev.switchboard.config.BudgetPeriod;
import dev.switchboard.model.SpendOverride;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.List;

/**
 * Sets a holder's spend in its current budget period, where budgets read it: its row of
 * {@code budget_spend} in Postgres, then this gateway's ledger (before the admin's answer, so the
 * next request sees it), then every other gateway's through the {@code budget.lowered} announcement.
 * Spend of requests in flight is added on top when they settle.
 */
public final class SpendOverrides implements SpendOverride {

  private final Pool pool;
  private final Bus bus;
  private final Accounting accounting;

  public SpendOverrides(Pool pool, Bus bus, Accounting accounting) {
    this.pool = pool;
    this.bus = bus;
    this.accounting = accounting;
  }

  @Override
  public Future<Void> set(String holder, String budgetDuration, double spend) {
    BudgetPeriod period = budgetDuration == null ? null : BudgetPeriod.parse(budgetDuration);
    // The period the budget stage charges now: its start, or 0 for a budget that never resets.
    long periodStart = period == null ? 0 : period.start(Instant.now(), accounting.settings().timezone()).toEpochMilli();
    return pool.preparedQuery("INSERT INTO budget_spend (holder, period_start, spend) VALUES ($1, $2, $3) "
            + "ON CONFLICT (holder, period_start) DO UPDATE SET spend = EXCLUDED.spend")
        .execute(Tuple.of(holder, PostgresBudgetLedger.at(periodStart), spend))
        .map(done -> {
          accounting.lower(bus, new SpendLowered(List.of(holder), List.of(), spend, true));
          return null;
        });
  }
}
