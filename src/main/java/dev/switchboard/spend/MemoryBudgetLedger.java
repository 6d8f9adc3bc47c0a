package dev.switchboard.spend;

import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Budgets kept in this gateway's memory: each holder's spend in its current period (read from
 * Postgres the first time the holder is seen in that period, so a restart loses nothing the spend
 * writer has written) and its open reservations. One per gateway, shared by every event loop; a
 * reservation checks and books all its holds under one lock, so concurrent requests cannot both
 * take the last of a budget.
 */
final class MemoryBudgetLedger implements BudgetLedger {

  /** One holder's spend and reservations in one period; guarded by the ledger's lock. */
  private static final class Counter {
    final long periodStartMillis;
    double spend;
    double reserved;

    Counter(long periodStartMillis, double spend) {
      this.periodStartMillis = periodStartMillis;
      this.spend = spend;
    }
  }

  private final Map<String, Future<Counter>> counters = new ConcurrentHashMap<>();
  private final Function<Charge, Future<Double>> recordedSpend;
  private final Object lock = new Object();

  /** @param recordedSpend what Postgres has for a holder and period (0 without a database) */
  MemoryBudgetLedger(Function<Charge, Future<Double>> recordedSpend) {
    this.recordedSpend = recordedSpend;
  }

  @Override
  public Future<Refusal> reserve(Reservation reservation, double headroom, boolean strict) {
    List<Future<Counter>> loading = new ArrayList<>(reservation.holds().size());
    boolean ready = true;
    for (Hold hold : reservation.holds()) {
      Future<Counter> counter = counter(hold.charge());
      ready &= counter.isComplete();
      loading.add(counter);
    }
    if (ready) {
      return Future.succeededFuture(book(reservation, loading, headroom, strict));
    }
    return Future.all(loading).map(all -> book(reservation, loading, headroom, strict));
  }

  private Refusal book(Reservation reservation, List<Future<Counter>> loaded, double headroom, boolean strict) {
    synchronized (lock) {
      for (int i = 0; i < loaded.size(); i++) {
        Counter counter = loaded.get(i).result();
        Hold hold = reservation.holds().get(i);
        double used = counter.spend + counter.reserved;
        boolean fits = strict ? used + headroom <= hold.maxBudget() : used < hold.maxBudget();
        if (!fits) {
          return new Refusal(hold, counter.spend, counter.reserved);
        }
      }
      for (Future<Counter> counter : loaded) {
        counter.result().reserved += reservation.amount();
      }
      return null;
    }
  }

  @Override
  public void settle(Reservation reservation, double cost) {
    synchronized (lock) {
      for (Hold hold : reservation.holds()) {
        Future<Counter> future = counters.get(hold.charge().holder());
        Counter counter = future == null ? null : future.result();
        // A request that started in the previous period is charged to it (by the writer), not to this one.
        if (counter != null && counter.periodStartMillis == hold.charge().periodStartMillis()) {
          counter.reserved = Math.max(0, counter.reserved - reservation.amount());
          counter.spend += cost;
        }
      }
    }
  }

  @Override
  public Double spent(Charge charge) {
    Future<Counter> future = counters.get(charge.holder());
    if (future == null || !future.succeeded()) {
      return null;
    }
    synchronized (lock) {
      Counter counter = future.result();
      return counter.periodStartMillis == charge.periodStartMillis() ? counter.spend : null;
    }
  }

  @Override
  public void lower(Predicate<String> holders, double atMost, boolean exact) {
    synchronized (lock) {
      counters.forEach((holder, future) -> {
        if (!holders.test(holder)) {
          return;
        }
        if (future.succeeded()) {
          future.result().spend = exact ? atMost : Math.min(future.result().spend, atMost);
        } else {
          counters.remove(holder, future); // still loading what may predate the cut: read it again
        }
      });
    }
  }

  /** The holder's counter for this period; a new period starts from what Postgres has recorded for it. */
  private Future<Counter> counter(Charge charge) {
    Future<Counter> current = counters.get(charge.holder());
    if (current != null && !replaces(current, charge)) {
      return current;
    }
    Future<Counter> fresh = recordedSpend.apply(charge).map(spend -> new Counter(charge.periodStartMillis(), spend));
    counters.merge(charge.holder(), fresh, (old, mine) -> replaces(old, charge) ? mine : old);
    return counters.get(charge.holder());
  }

  private static boolean replaces(Future<Counter> old, Charge charge) {
    return old.failed() || (old.isComplete() && old.result().periodStartMillis < charge.periodStartMillis());
  }
}
