package dev.switchboard.spend;

import dev.switchboard.bus.Addresses;
import dev.switchboard.bus.Bus;
import dev.switchboard.config.SpendSettings;
import dev.switchboard.model.BudgetScopes;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import java.util.function.Supplier;
import io.vertx.sqlclient.Tuple;

/**
 * The gateway's accounting services, one of each, shared by every SpendLog instance: budgets and
 * (with a database) the spend writer. Prices come with each request, from its runtime snapshot.
 *
 * @param writer the spend writer, or null when the gateway runs without a database (see {@link #spool})
 */
public record Accounting(SpendSettings settings, Budgets budgets, SpendWriter writer) {

  /** Without a database: budgets live in memory only, and spend rows are logged but not stored. */
  public static Accounting inMemory(SpendSettings settings) {
    return create(settings, null, null, 0, BudgetScopes.NONE);
  }

  /** Takes a request's spend row: into the writer's spool (completed once it is there), or nowhere without a database. */
  public Future<Void> spool(SpendRow row) {
    return writer == null ? Future.succeededFuture()
        : writer.offer(settings.disableSpendLogs() ? row.withoutDetail() : row);
  }

  /** Applies every gateway's announced spend cuts to this gateway's budgets. */
  public Future<Void> hearLowered(Bus bus) {
    return bus.hear(Addresses.BUDGET_LOWERED, news -> {
      SpendLowered lowered = SpendLowered.from(news);
      budgets.lower(lowered::covers, lowered.atMost(), lowered.exact());
    });
  }

  /** An admin cut spend: applied here before the answer, so the next request sees it, and announced to the other gateways. */
  void lower(Bus bus, SpendLowered lowered) {
    budgets.lower(lowered::covers, lowered.atMost(), lowered.exact());
    bus.announce(Addresses.BUDGET_LOWERED, lowered.toJson());
  }

  /**
   * @param pool              the database, or null without one (budgets then live in memory only)
   * @param reservationTtlSec how long a shared reservation outlives a gateway that died holding it
   */
  public static Accounting create(SpendSettings settings, Pool pool, double reservationTtlSec) {
    return create(settings, pool, null, reservationTtlSec, BudgetScopes.NONE);
  }

  /**
   * @param writerPools fresh pools for the spend writer alone (it replaces its own after a lost connection); null: it shares {@code pool}
   * @param scopes      where customers' and organizations' budgets are read
   */
  public static Accounting create(SpendSettings settings, Pool pool, Supplier<Pool> writerPools,
      double reservationTtlSec, BudgetScopes scopes) {
    boolean shared = pool != null && settings.sharedReservations();
    BudgetLedger ledger = shared ? new PostgresBudgetLedger(pool, reservationTtlSec)
        : new MemoryBudgetLedger(pool == null ? charge -> Future.succeededFuture(0.0) : charge -> recorded(pool, charge));
    SpendWriter writer = pool == null ? null : new SpendWriter(pool, writerPools, java.nio.file.Path.of(settings.spoolDir()),
        settings.batchSize(), settings.batchWriteSeconds(), shared);
    return new Accounting(settings, new Budgets(settings, ledger, scopes), writer);
  }

  private static Future<Double> recorded(Pool pool, Charge charge) {
    return pool.preparedQuery("SELECT spend FROM budget_spend WHERE holder = $1 AND period_start = $2")
        .execute(Tuple.of(charge.holder(), PostgresBudgetLedger.at(charge.periodStartMillis())))
        .map(rows -> rows.size() == 0 ? 0.0 : rows.iterator().next().getDouble(0));
  }
}
