package dev.switchboard.spend;

import dev.switchboard.model.BudgetAlert;
import dev.switchboard.model.BudgetScopes;
import dev.switchboard.model.Price;
import dev.switchboard.model.PromptSize;
import dev.switchboard.model.Principal;
import dev.switchboard.config.BudgetPeriod;
import dev.switchboard.config.SpendSettings;
import dev.switchboard.errors.ErrorClass;
import dev.switchboard.errors.GatewayError;
import dev.switchboard.model.Quota;
import dev.switchboard.model.VirtualKey;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;

/**
 * Admits a request only while every budget it falls under (its key's, its key's for the requested
 * model (model_max_budget), its user's, team's, customer's, its team's organization's, its user's
 * within that organization, and the proxy's) has room: spend + open reservations <
 * max_budget, then reserves the request's worst case against all of them at once: its estimated
 * prompt and the most output it can be billed for (max_tokens, else the model's output limit).
 * Since no request costs more than it reserved, the budget is overshot by at most the last
 * admitted request's cost, at any concurrency. In strict mode the reservation counts the prompt's
 * bound instead of its estimate and must fit whole, so no budget is overshot; a request with no
 * bound is refused. The actual cost settles the reservation. Shared by every event loop.
 */
public final class Budgets {

  private static final String PROXY = "proxy";

  private final SpendSettings settings;
  private final BudgetLedger ledger;
  private final BudgetPeriod proxyPeriod;
  private final BudgetScopes scopes;
  private final SoftBudgets softBudgets = new SoftBudgets();

  Budgets(SpendSettings settings, BudgetLedger ledger, BudgetScopes scopes) {
    this.settings = settings;
    this.ledger = ledger;
    this.proxyPeriod = BudgetPeriod.parse(settings.proxyBudgetDuration());
    this.scopes = scopes;
  }

  /** Refuses a blocked customer, then reserves against every budget, its customer's and organization's included. */
  public Future<Reservation> reserve(BudgetCheck check) {
    String customer = check.endUser();
    VirtualKey key = check.principal() == null ? null : check.principal().key();
    String teamId = key == null ? null : key.teamId();
    if (customer == null && teamId == null) {
      return reserve(check, List.of());
    }
    return scopes.find(customer, teamId, key == null ? null : key.userId()).compose(found -> found.blockedCustomer() != null
        ? Future.failedFuture(blocked(found.blockedCustomer())) : reserve(check, found.scopes()));
  }

  private Future<Reservation> reserve(BudgetCheck check, List<BudgetScopes.Scope> outer) {
    List<Charge> charges = new ArrayList<>(4);
    List<Hold> holds = new ArrayList<>(4);
    Instant start = Instant.ofEpochMilli(check.startEpochMillis());
    collect(check.principal(), check.startEpochMillis(), charges, holds);
    modelBudget(check, charges, holds, start);
    for (BudgetScopes.Scope scope : outer) {
      add(charges, holds, scope.holder(), scope.label(), scope.maxBudget(), BudgetPeriod.parse(scope.budgetDuration()),
          start);
    }
    if (holds.isEmpty()) {
      return Future.succeededFuture(new Reservation(check.requestId(), charges, holds, 0));
    }
    Price price = check.price();
    long output = check.body().hasOutput() ? outputTokens(check.body().json(), price) : 0;
    boolean strict = settings.strictBudgets();
    if (strict && output < 0 && price.output() > 0) {
      return Future.failedFuture(unbounded(check));
    }
    PromptSize prompt = check.body().prompt();
    double amount = (strict ? prompt.bound() : prompt.tokens()) * price.input()
        + (output < 0 ? settings.expectedOutputTokens() : output) * price.output()
        + check.body().unitsAsked() * price.perUnit();
    Reservation reservation = new Reservation(check.requestId(), charges, holds, amount);
    return ledger.reserve(reservation, amount, strict)
        .compose(refusal -> refusal == null ? Future.succeededFuture(reservation)
            : Future.failedFuture(exceeded(refusal)));
  }

  /**
   * The request is over (answered, failed or cut): count what it cost, release what it held.
   *
   * @return the soft budgets this cost took past their limit (each once per period), usually none
   */
  public List<BudgetAlert> settle(Reservation reservation, double cost) {
    if (reservation == null || reservation.holdsNothing()) {
      return List.of();
    }
    ledger.settle(reservation, cost);
    return softBudgets.crossed(reservation, ledger);
  }

  /** An admin cut the spend of these holders to at most {@code atMost} (or set it, when exact): enforcement follows at once. */
  void lower(java.util.function.Predicate<String> holders, double atMost, boolean exact) {
    ledger.lower(holders, atMost, exact);
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
      Double spent = !hold.limits() ? null : holder.startsWith("key:") || holder.startsWith("team:") ? ledger.spent(hold.charge()) : null;
      if (spent != null) {
        boolean key = holder.startsWith("key:");
        sink.left(key ? "key" : "team", key ? principal.keyAlias() : holder.substring("team:".length()),
            hold.maxBudget() - spent);
      }
    }
  }

  /**
   * The charges of a request that was never reserved (it failed before): its cost still counts, to
   * its customer too ({@code endUser}, or null); an organization's share needs the lookup reserving does.
   */
  public List<Charge> chargesOf(Principal principal, long startEpochMillis, String endUser) {
    List<Charge> charges = new ArrayList<>(4);
    List<Hold> none = new ArrayList<>(4);
    collect(principal, startEpochMillis, charges, none);
    if (endUser != null) {
      BudgetScopes.Scope customer = BudgetScopes.Scope.customer(endUser, null, null);
      add(charges, none, customer.holder(), customer.label(), null, null, Instant.ofEpochMilli(startEpochMillis));
    }
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
        BudgetPeriod.parse(own.budgetDuration()), start,
        key.softBudget() == null ? null : new Hold.Soft(key.softBudget(), "key", own.id()), null);
    if (key.userId() != null) {
      holder(charges, holds, "user", key.userId(), key.userQuota(), start);
    }
    if (key.teamId() != null) {
      holder(charges, holds, "team", key.teamId(), key.teamQuota(), start);
    }
  }

  /** A key's user or team: its budget, and its soft budget (an alert naming it, never a refusal). */
  private void holder(List<Charge> charges, List<Hold> holds, String scope, String id, Quota quota, Instant start) {
    Hold.Soft soft = quota == null || quota.softBudget() == null ? null : new Hold.Soft(quota.softBudget(), scope, id);
    add(charges, holds, scope + ":" + id, scope + " '" + id + "'", quota == null ? null : quota.maxBudget(),
        quota == null ? null : BudgetPeriod.parse(quota.budgetDuration()), start, soft, null);
  }

  /**
   * The key's model_max_budget entry for the requested model, as a budget of its own (holder
   * {@code model:<key hash>:<model>}) that refuses only that model, in LiteLLM's words.
   */
  private void modelBudget(BudgetCheck check, List<Charge> charges, List<Hold> holds, Instant start) {
    VirtualKey key = check.principal() == null ? null : check.principal().key();
    String model = check.deployment() == null ? null : check.deployment().modelGroup();
    if (key == null) {
      return;
    }
    scopedModelBudget("user", key.userId(), key.userQuota(), model, charges, holds, start);
    scopedModelBudget("team", key.teamId(), key.teamQuota(), model, charges, holds, start);
    ModelBudgets.Entry entry = ModelBudgets.find(key.modelMaxBudget(), model);
    if (entry == null) {
      return;
    }
    // LiteLLM names the key by its hashed token; a hash never goes into an error here, so its display name does.
    add(charges, holds, "model:" + key.tokenHash() + ":" + entry.model(), "key '" + key.quota().id() + "' on model '"
        + entry.model() + "'", entry.limit(), BudgetPeriod.parse(entry.period()), start, null,
        "LiteLLM Virtual Key: " + key.keyName() + ", key_alias: " + key.keyAlias() + ", exceeded budget for model="
            + model);
  }

  /** A user's or team's model_max_budget entry for the model: a budget of its own that refuses only that model. */
  private void scopedModelBudget(String scope, String id, Quota quota, String model, List<Charge> charges,
      List<Hold> holds, Instant start) {
    ModelBudgets.Entry entry = id == null || quota == null || quota.modelMaxBudget() == null ? null
        : ModelBudgets.find(quota.modelMaxBudget(), model);
    if (entry != null) {
      add(charges, holds, "model:" + scope + ":" + id + ":" + entry.model(), scope + " '" + id + "' on model '"
          + entry.model() + "'", entry.limit(), BudgetPeriod.parse(entry.period()), start, null, null);
    }
  }

  private void add(List<Charge> charges, List<Hold> holds, String holder, String label, Double maxBudget,
      BudgetPeriod period, Instant start) {
    add(charges, holds, holder, label, maxBudget, period, start, null, null);
  }

  /** A holder with only a soft budget is held against no limit, so its spend is followed all the same. */
  private void add(List<Charge> charges, List<Hold> holds, String holder, String label, Double maxBudget,
      BudgetPeriod period, Instant start, Hold.Soft soft, String refusal) {
    ZoneId zone = settings.timezone();
    long periodStart = period == null ? 0 : period.start(start, zone).toEpochMilli();
    Charge charge = new Charge(holder, periodStart);
    charges.add(charge);
    if (maxBudget != null || soft != null) {
      long resetsAt = period == null ? 0 : period.end(Instant.ofEpochMilli(periodStart), zone).toEpochMilli();
      holds.add(new Hold(charge, maxBudget == null ? Double.POSITIVE_INFINITY : maxBudget, label, resetsAt, soft,
          refusal));
    }
  }

  /**
   * The most output the request can be billed for: its max_tokens (max_completion_tokens), else the
   * model's output limit, times the answers it asks for (n, best_of); -1 when unknown. Embeddings have none.
   */
  static long outputTokens(JsonObject body, Price price) {
    Object max = body.getValue("max_completion_tokens");
    if (!(max instanceof Number)) {
      max = body.getValue("max_tokens");
    }
    if (!(max instanceof Number)) {
      max = body.getValue("max_output_tokens"); // the Responses API's
    }
    long asked = max instanceof Number n ? Math.max(0, n.longValue()) : 0;
    long each = asked > 0 ? asked : price.maxOutput() > 0 ? price.maxOutput() : -1;
    long answers = Math.max(1, Math.max(count(body, "n"), count(body, "best_of")));
    return each < 0 ? -1 : each * answers;
  }

  private static long count(JsonObject body, String field) {
    return body.getValue(field) instanceof Number n ? n.longValue() : 1;
  }

  private static GatewayError unbounded(BudgetCheck check) {
    return GatewayError.of(ErrorClass.BUDGET_EXCEEDED, "budget_unbounded", "strict_budgets is on and this "
        + "request's cost has no upper bound: it sets no max_tokens and model '" + check.deployment().modelGroup()
        + "' has no known output limit. Set max_tokens (or max_completion_tokens) on the request, or "
        + "model_info.max_output_tokens on the model.").withParam("max_tokens");
  }

  /** LiteLLM's refusal of a blocked end user: a 400 with its message. */
  private static GatewayError blocked(String customer) {
    return GatewayError.of(ErrorClass.BAD_REQUEST, "400", "User blocked from making LLM API Calls. User=" + customer);
  }

  private static GatewayError exceeded(BudgetLedger.Refusal refusal) {
    Hold hold = refusal.hold();
    if (hold.refusal() != null) {
      return GatewayError.of(ErrorClass.BUDGET_EXCEEDED, "budget_exceeded", hold.refusal());
    }
    String resets = hold.resetsAtMillis() == 0 ? "It does not reset; an admin can raise max_budget."
        : "It resets at " + Instant.ofEpochMilli(hold.resetsAtMillis()) + ".";
    String open = refusal.reserved() > 0 ? String.format(" (plus $%.6f held by requests in flight)", refusal.reserved()) : "";
    return GatewayError.of(ErrorClass.BUDGET_EXCEEDED, "budget_exceeded", String.format(
        "Budget has been exceeded! %s has spent %s of its max_budget %s%s. Current cost: %s, Max budget: %s. %s",
        capitalised(hold.label()), dollars(refusal.spend()), dollars(hold.maxBudget()), open, refusal.spend(),
        hold.maxBudget(), resets));
  }

  private static String dollars(double amount) {
    return String.format("$%.6f", amount);
  }

  private static String capitalised(String label) {
    return label.isEmpty() ? label : Character.toUpperCase(label.charAt(0)) + label.substring(1);
  }
}
