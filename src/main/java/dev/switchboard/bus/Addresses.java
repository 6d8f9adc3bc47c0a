package dev.switchboard.bus;

/** Every event-bus address of the gateway, in one place. */
public final class Addresses {

  public static final String AUTH_CHECK = "sb.auth.check";
  /** Announced to every node: a key changed or is gone, every key cache drops it. */
  public static final String AUTH_FORGET = "sb.auth.forget";
  public static final String RATELIMIT_ACQUIRE = "sb.ratelimit.acquire";
  /** Sent: a request holding a permit has ended. */
  public static final String RATELIMIT_RELEASE = "sb.ratelimit.release";
  public static final String ROUTER_PICK = "sb.router.pick";
  /** Announced to every node: a deployment cools down (or its cooldown is reset); every Router instance holds the same. */
  public static final String ROUTER_COOLDOWN = "sb.router.cooldown";
  /** Announced to every node: the config was reloaded on one, every node re-reads its own file. */
  public static final String CONFIG_RELOADED = "sb.config.reloaded";
  /** Announced to every node: a deployment was added, changed or deleted through /model/*; each re-reads the stored ones. */
  public static final String MODELS_CHANGED = "sb.models.changed";
  public static final String RELAY_CALL = "sb.relay.call";
  /** Published by a stopping ingress with its drain time in ms: streams still open near its end are ended. */
  public static final String DRAIN_STARTED = "sb.relay.drain";
  /** Reserves a request's estimated cost against its budgets, or refuses it. */
  public static final String BUDGET_RESERVE = "sb.budget.reserve";
  public static final String SPEND_RECORD = "sb.spend.record";
  /** Announced to every node: an admin cut some budget holders' spend (reset_spend, /global/spend/reset). */
  public static final String BUDGET_LOWERED = "sb.budget.lowered";
  /** Published on this node while someone tails the logs: each finished request as one SSE frame (a String). */
  public static final String SPEND_TAIL = "sb.spend.tail";

  /** Published on this node: a {@code BudgetAlert} (a soft budget crossed), for whoever sends alerts (Slack, webhooks). */
  public static final String ALERTS = "switchboard.alerts";

  /** The stages a request hops to, each with {@link Bus#hop}. */
  public static final java.util.List<String> STAGES = java.util.List.of(AUTH_CHECK, RATELIMIT_ACQUIRE, BUDGET_RESERVE,
      ROUTER_PICK, RELAY_CALL, SPEND_RECORD);

  private Addresses() {
  }
}
