package dev.switchboard.spend;

import dev.switchboard.auth.Principal;
import dev.switchboard.config.BudgetPeriod;
import dev.switchboard.config.SpendSettings;
import dev.switchboard.errors.GatewayError;
import dev.switchboard.keys.Quota;
import dev.switchboard.keys.VirtualKey;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Admits a request only while every budget it falls under (its key's, user's, team's and the
 * proxy's) has room: spend + open reservations < max_budget, then reserves the request's estimated
 * cost against all of them at once; the actual cost settles the reservation. In strict mode the
 * worst case (the model's whole output limit) must fit, so no budget is ever overshot. Shared by
 * every event loop.
 */
public final class Budgets {

  private static final String PROXY = "proxy";

  private final SpendSettings settings;
  private final PriceBook prices;
  private final BudgetLedger ledger;
  private final BudgetPeriod proxyPeriod;
  /** Recent output tokens per model group: the estimate for requests that do not set max_tokens. */
  private final Map<String, Double> expectedOutput = new ConcurrentHashMap<>();

  Budgets(SpendSettings settings, PriceBook prices, BudgetLedger ledger) {
    this.settings = settings;
    this.prices = prices;
    this.ledger = ledger;
    this.proxyPeriod = BudgetPeriod.parse(settings.proxyBudgetDuration());
  }

  public Future<Reservation> reserve(BudgetCheck check) {
    List<Charge> charges = new ArrayList<>(4);
    List<Hold> holds = new ArrayList<>(4);
    collect(check.principal(), check.startEpochMillis(), charges, holds);
    if (holds.isEmpty()) {
      return Future.succeededFuture(new Reservation(check.requestId(), charges, holds, 0));
    }
    Price price = prices.of(check.deployment());
    double prompt = UsageEstimate.tokens(check.body().promptChars()) * price.input();
    double expected = prompt + expectedOutputTokens(check) * price.output();
    double worst = prompt + worstOutputTokens(check, price) * price.output();
    Reservation reservation = new Reservation(check.requestId(), charges, holds, settings.strictBudgets() ? worst : expected);
    return ledger.reserve(reservation, worst, settings.strictBudgets())
        .compose(refusal -> refusal == null ? Future.succeededFuture(reservation)
            : Future.failedFuture(exceeded(refusal)));
  }

  /** The request is over (answered, failed or cut): count what it cost, release what it held. */
  public void settle(Reservation reservation, String modelGroup, Usage usage, double cost) {
    if (modelGroup != null && usage.completionTokens() > 0) {
      expectedOutput.merge(modelGroup, (double) usage.completionTokens(), (old, now) -> old * 0.9 + now * 0.1);
    }
    if (reservation != null && !reservation.holdsNothing()) {
      ledger.settle(reservation, cost);
    }
  }

  /** Told what is left of a key's or team's budget. */
  public interface Remaining {
    /** @param holder {@code key} or {@code team}; @param name the key's alias or the team's id */
    void left(String holder, String name, double remaining);
  }

  /**
   * What is left of the key's and team's budgets that {@code reservation} held: from memory, or with
   * shared reservations as Postgres last reported it to this gateway plus what it settled since.
   */
  public void remaining(Reservation reservation, Principal principal, Remaining sink) {
    if (reservation == null || principal == null) {
      return;
    }
    for (Hold hold : reservation.holds()) {
      String holder = hold.charge().holder();
      Double spent = holder.startsWith("key:") || holder.startsWith("team:") ? ledger.spent(hold.charge()) : null;
      if (spent != null) {
        boolean key = holder.startsWith("key:");
        sink.left(key ? "key" : "team", key ? principal.keyAlias() : holder.substring("team:".length()),
            hold.maxBudget() - spent);
      }
    }
  }

  /** The charges of a request that was never reserved (it failed before): its cost still counts. */
  public List<Charge> chargesOf(Principal principal, long startEpochMillis) {
    List<Charge> charges = new ArrayList<>(4);
    collect(principal, startEpochMillis, charges, new ArrayList<>(4));
    return charges;
  }

  /** Every holder the caller's spend counts toward, and those of them with a budget. */
  private void collect(Principal principal, long startEpochMillis, List<Charge> charges, List<Hold> holds) {
    Instant start = Instant.ofEpochMilli(startEpochMillis);
    add(charges, holds, PROXY, "the proxy", settings.proxyMaxBudget(), proxyPeriod, start);
    VirtualKey key = principal == null ? null : principal.key();
    if (key == null) {
      return;
    }
    Quota own = key.quota();
    add(charges, holds, "key:" + key.tokenHash(), "key '" + own.id() + "'", own.maxBudget(),
        BudgetPeriod.parse(own.budgetDuration()), start);
    if (key.userId() != null) {
      Quota user = key.userQuota();
      add(charges, holds, "user:" + key.userId(), "user '" + key.userId() + "'", user == null ? null : user.maxBudget(),
          user == null ? null : BudgetPeriod.parse(user.budgetDuration()), start);
    }
    if (key.teamId() != null) {
      Quota team = key.teamQuota();
      add(charges, holds, "team:" + key.teamId(), "team '" + key.teamId() + "'", team == null ? null : team.maxBudget(),
          team == null ? null : BudgetPeriod.parse(team.budgetDuration()), start);
    }
  }

  private void add(List<Charge> charges, List<Hold> holds, String holder, String label, Double maxBudget,
      BudgetPeriod period, Instant start) {
    ZoneId zone = settings.timezone();
    long periodStart = period == null ? 0 : period.start(start, zone).toEpochMilli();
    Charge charge = new Charge(holder, periodStart);
    charges.add(charge);
    if (maxBudget != null) {
      long resetsAt = period == null ? 0 : period.end(Instant.ofEpochMilli(periodStart), zone).toEpochMilli();
      holds.add(new Hold(charge, maxBudget, label, resetsAt));
    }
  }

  private long expectedOutputTokens(BudgetCheck check) {
    long asked = maxTokens(check.body().json());
    if (asked > 0) {
      return asked;
    }
    if (check.body().json().containsKey("input")) {
      return 0; // embeddings have no output
    }
    Double recent = expectedOutput.get(check.deployment().modelGroup());
    return recent != null ? Math.round(recent) : settings.expectedOutputTokens();
  }

  private long worstOutputTokens(BudgetCheck check, Price price) {
    long asked = maxTokens(check.body().json());
    if (asked > 0) {
      return asked;
    }
    if (check.body().json().containsKey("input")) {
      return 0;
    }
    return price.maxOutput() > 0 ? price.maxOutput() : expectedOutputTokens(check);
  }

  private static long maxTokens(JsonObject body) {
    Object max = body.getValue("max_completion_tokens");
    if (!(max instanceof Number)) {
      max = body.getValue("max_tokens");
    }
    return max instanceof Number n ? Math.max(0, n.longValue()) : 0;
  }

  private static GatewayError exceeded(BudgetLedger.Refusal refusal) {
    Hold hold = refusal.hold();
    String resets = hold.resetsAtMillis() == 0 ? "It does not reset; an admin can raise max_budget."
        : "It resets at " + Instant.ofEpochMilli(hold.resetsAtMillis()) + ".";
    String open = refusal.reserved() > 0 ? String.format(" (plus $%.6f held by requests in flight)", refusal.reserved()) : "";
    return new GatewayError(400, "budget_exceeded", "budget_exceeded", null, String.format(
        "Budget has been exceeded! %s has spent %s of its max_budget %s%s. Current cost: %s, Max budget: %s. %s",
        capitalised(hold.label()), dollars(refusal.spend()), dollars(hold.maxBudget()), open, refusal.spend(),
        hold.maxBudget(), resets), null);
  }

  private static String dollars(double amount) {
    return String.format("$%.6f", amount);
  }

  private static String capitalised(String label) {
    return label.isEmpty() ? label : Character.toUpperCase(label.charAt(0)) + label.substring(1);
  }
}
