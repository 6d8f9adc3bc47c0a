package dev.switchboard.spend;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * Budgets shared by every gateway on one database: each reservation is a row per holder in
 * {@code budget_reservations}, booked by {@code budget_reserve()} in one round trip under row
 * locks, owned by its request and expiring on its own if its gateway dies. Settling happens in
 * Postgres when the spend writer writes the request's row (the same transaction adds the cost and
 * deletes the reservation), so nothing is settled here.
 */
final class PostgresBudgetLedger implements BudgetLedger {

  private final Pool pool;
  /** Per holder and period: spend as last seen here (for gauges only; Postgres decides). */
  private final Map<Charge, Double> seen = new ConcurrentHashMap<>();
  private final double ttlSeconds;

  /** @param ttlSeconds how long a reservation outlives a gateway that died holding it */
  PostgresBudgetLedger(Pool pool, double ttlSeconds) {
    this.pool = pool;
    this.ttlSeconds = ttlSeconds;
  }

  @Override
  public Future<Refusal> reserve(Reservation reservation, double headroom, boolean strict) {
    List<Hold> holds = reservation.holds();
    String[] holders = new String[holds.size()];
    OffsetDateTime[] periods = new OffsetDateTime[holds.size()];
    Double[] limits = new Double[holds.size()];
    for (int i = 0; i < holds.size(); i++) {
      holders[i] = holds.get(i).charge().holder();
      periods[i] = at(holds.get(i).charge().periodStartMillis());
      limits[i] = holds.get(i).maxBudget();
    }
    Tuple args = Tuple.tuple().addString(reservation.requestId()).addArrayOfString(holders)
        .addArrayOfOffsetDateTime(periods).addArrayOfDouble(limits).addDouble(reservation.amount())
        .addDouble(headroom).addBoolean(strict).addDouble(ttlSeconds);
    return pool.preparedQuery("SELECT holder, spend, reserved, admitted FROM budget_reserve($1, $2, $3, $4, $5, $6, $7, $8)")
        .execute(args)
        .map(rows -> {
          for (Row row : rows) {
            seen.put(new Charge(row.getString("holder"), reservation.holds().stream()
                .filter(h -> h.charge().holder().equals(row.getString("holder"))).findFirst()
                .map(h -> h.charge().periodStartMillis()).orElse(0L)), row.getDouble("spend"));
          }
          for (Row row : rows) {
            if (!row.getBoolean("admitted")) {
              Hold hold = holds.stream().filter(h -> h.charge().holder().equals(row.getString("holder"))).findFirst()
                  .orElse(holds.get(0));
              return new Refusal(hold, row.getDouble("spend"), row.getDouble("reserved"));
            }
          }
          return null;
        });
  }

  @Override
  public void settle(Reservation reservation, double cost) {
    // Settled in Postgres by SpendWriter with the request's spend row, in one transaction; here only
    // this gateway's view of the spend moves on, for the remaining-budget gauges.
    for (Hold hold : reservation.holds()) {
      seen.computeIfPresent(hold.charge(), (charge, spend) -> spend + cost);
    }
  }

  /** The spend Postgres reported at this gateway's last reservation, plus what this gateway settled since. */
  @Override
  public Double spent(Charge charge) {
    return seen.get(charge);
  }

  @Override
  public void lower(Predicate<String> holders, double atMost, boolean exact) {
    seen.replaceAll((charge, spend) -> !holders.test(charge.holder()) ? spend : exact ? atMost : Math.min(spend, atMost));
  }

  static OffsetDateTime at(long epochMillis) {
    return Instant.ofEpochMilli(epochMillis).atOffset(ZoneOffset.UTC);
  }
}
