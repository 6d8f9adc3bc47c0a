package dev.switchboard.spend;

import dev.switchboard.model.BudgetAlert;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Notices a holder's spend crossing its soft budget, once per holder and budget period on this
 * gateway: the first settlement that finds spend at or past it wins the period (an atomic swap), so
 * concurrent settlements raise one alert, and later requests in the same period raise none.
 */
final class SoftBudgets {

  /** Per holder: the start of the last period an alert was raised for. */
  private final Map<String, Long> alerted = new ConcurrentHashMap<>();

  List<BudgetAlert> crossed(Reservation reservation, BudgetLedger ledger) {
    List<BudgetAlert> alerts = null;
    for (Hold hold : reservation.holds()) {
      Hold.Soft soft = hold.softBudget();
      Double spent = soft == null ? null : ledger.spent(hold.charge());
      if (spent == null || spent < soft.amount() || !firstIn(hold.charge())) {
        continue;
      }
      if (alerts == null) {
        alerts = new ArrayList<>(1);
      }
      alerts.add(new BudgetAlert(BudgetAlert.SOFT_BUDGET_CROSSED, soft.scope(), soft.name(), spent, soft.amount(),
          hold.limits() ? hold.maxBudget() : null, Instant.ofEpochMilli(hold.charge().periodStartMillis()), Instant.now()));
    }
    return alerts == null ? List.of() : alerts;
  }

  private boolean firstIn(Charge charge) {
    long period = charge.periodStartMillis();
    Long before = alerted.put(charge.holder(), period);
    return before == null || before != period;
  }
}
