package dev.switchboard.spend;

import dev.switchboard.admin.AdminInput;
import dev.switchboard.admin.AdminRoute;
import dev.switchboard.bus.Addresses;
import dev.switchboard.bus.Bus;
import dev.switchboard.config.BudgetPeriod;
import dev.switchboard.errors.GatewayError;
import dev.switchboard.model.KeyForgotten;
import dev.switchboard.model.KeySecrets;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * LiteLLM's spend resets, master key only: {@code POST /key/{key}/reset_spend} ({@code {reset_to}}:
 * one key's spend cut to that) and {@code POST /global/spend/reset} (every key's and team's spend to
 * 0; spend rows stay). Budgets are enforced from each holder's spend per period
 * ({@code budget_spend}) and each gateway's memory of it, not from the {@code spend} column, so a
 * reset cuts all three, in one transaction for Postgres, then here and on every other gateway
 * ({@link SpendLowered}): a key refused for its budget is served again from the next request.
 * Spend of requests still in flight, or not yet written, counts after the reset.
 */
public final class SpendResets {

  private static final Pattern HASH = Pattern.compile("[0-9a-f]{64}");

  private final Pool pool;
  private final Bus bus;
  private final Accounting accounting;

  public SpendResets(Pool pool, Bus bus, Accounting accounting) {
    this.pool = pool;
    this.bus = bus;
    this.accounting = accounting;
  }

  public void mount(Router router) {
    router.post("/key/:key/reset_spend").handler(AdminRoute.json(this::resetKey));
    router.post("/global/spend/reset").handler(AdminRoute.json(this::resetAll));
  }

  /** LiteLLM's answer: {@code {key_hash, spend, previous_spend, max_budget, budget_reset_at}}. */
  private Future<JsonObject> resetKey(RoutingContext ctx) {
    String named = ctx.pathParam("key");
    String hash = HASH.matcher(named).matches() ? named : KeySecrets.hash(named);
    Object value = AdminInput.body(ctx).getValue("reset_to");
    if (!(value instanceof Number number)) {
      throw GatewayError.badRequest("reset_to", "reset_to must be a float");
    }
    double resetTo = number.doubleValue();
    if (resetTo < 0) {
      throw GatewayError.badRequest("reset_to", "reset_to must be >= 0");
    }
    String holder = "key:" + hash;
    // LiteLLM checks its spend column, which it zeroes each budget period: here that is the key's
    // spend in its current period as its budget reads it, and its budget the lower of its own and
    // its linked budget's, as LiteLLM's.
    return pool.withTransaction(tx -> tx.preparedQuery("SELECT k.max_budget, b.max_budget AS linked_max_budget, "
            + "COALESCE(b.budget_duration, k.budget_duration) AS budget_duration FROM virtual_keys k "
            + "LEFT JOIN budgets b ON b.budget_id = k.budget_id WHERE k.token_hash = $1 FOR UPDATE OF k")
        .execute(Tuple.of(hash))
        .compose(rows -> {
          if (rows.size() == 0) {
            // The key's display form, never its value: LiteLLM echoes the key as sent.
            String shown = HASH.matcher(named).matches() ? named : KeySecrets.displayName(named);
            return Future.failedFuture(GatewayError.notFound("key_not_found", "key", "Key " + shown + " not found."));
          }
          Row key = rows.iterator().next();
          Double maxBudget = key.getDouble("max_budget");
          Double linked = key.getDouble("linked_max_budget");
          Double checked = linked != null && (maxBudget == null || linked < maxBudget) ? linked : maxBudget;
          String duration = key.getString("budget_duration");
          return tx.preparedQuery("SELECT spend FROM budget_spend WHERE holder = $1 AND period_start = $2")
              .execute(Tuple.of(holder, PostgresBudgetLedger.at(periodStart(duration))))
              .compose(spent -> {
                double previous = spent.size() == 0 ? 0.0 : spent.iterator().next().getDouble(0);
                refuseAbove(resetTo, previous, checked);
                return tx.preparedQuery("UPDATE virtual_keys SET spend = $2, updated_at = now() WHERE token_hash = $1")
                    .execute(Tuple.of(hash, resetTo))
                    .compose(updated -> tx.preparedQuery("UPDATE budget_spend SET spend = LEAST(spend, $2) WHERE holder = $1")
                        .execute(Tuple.of(holder, resetTo)))
                    .map(cut -> new JsonObject().put("key_hash", hash).put("spend", resetTo).put("previous_spend", previous)
                        .put("max_budget", maxBudget).put("budget_reset_at", resetAt(duration)));
              });
        }))
        .onSuccess(answer -> {
          accounting.lower(bus, new SpendLowered(List.of("key:" + hash), List.of(), resetTo));
          bus.announce(Addresses.AUTH_FORGET, new KeyForgotten(hash).toJson());
        });
  }

  /** LiteLLM's checks, with its messages: not above the key's spend, nor above its budget. */
  private static void refuseAbove(double resetTo, double spend, Double maxBudget) {
    if (resetTo > spend) {
      throw GatewayError.badRequest("reset_to", "reset_to (" + py(resetTo) + ") must be <= current spend (" + py(spend) + ")");
    }
    if (maxBudget != null && resetTo > maxBudget) {
      throw GatewayError.badRequest("reset_to", "reset_to (" + py(resetTo) + ") must be <= budget (" + py(maxBudget) + ")");
    }
  }

  /** Every key's and team's spend to 0, as LiteLLM's global reset; users, customers and spend rows untouched. */
  private Future<JsonObject> resetAll(RoutingContext ctx) {
    return pool.withTransaction(tx -> tx.query("UPDATE virtual_keys SET spend = 0").execute()
            .compose(keys -> tx.query("UPDATE teams SET spend = 0").execute())
            .compose(teams -> tx.query("UPDATE budget_spend SET spend = 0 "
                + "WHERE holder LIKE 'key:%' OR holder LIKE 'team:%'").execute()))
        .map(done -> {
          accounting.lower(bus, new SpendLowered(List.of(), List.of("key:", "team:"), 0));
          bus.announce(Addresses.AUTH_FORGET, KeyForgotten.ALL.toJson());
          return new JsonObject().put("message", "Spend for all API Keys and Teams reset successfully")
              .put("status", "success");
        });
  }

  /** The start of the key's current budget period as budgets charge it; 0 for a budget that never resets. */
  private long periodStart(String budgetDuration) {
    BudgetPeriod period = budgetDuration == null ? null : BudgetPeriod.parse(budgetDuration);
    return period == null ? 0 : period.start(Instant.now(), accounting.settings().timezone()).toEpochMilli();
  }

  /** When the key's budget period ends next, or null without one. */
  private String resetAt(String budgetDuration) {
    BudgetPeriod period = budgetDuration == null ? null : BudgetPeriod.parse(budgetDuration);
    if (period == null) {
      return null;
    }
    ZoneId zone = accounting.settings().timezone();
    return period.end(period.start(Instant.now(), zone), zone).toString();
  }

  /** A number as Python prints a float (LiteLLM's messages): 5.0, 0.25, 0.0001. */
  static String py(double value) {
    if (value == Math.rint(value) && Math.abs(value) < 1e16) {
      return String.format(Locale.ROOT, "%.1f", value);
    }
    return BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
  }
}
