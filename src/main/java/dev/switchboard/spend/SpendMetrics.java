package dev.switchboard.spend;

/**
 * What the accounting stage tells the metrics about each request; an interface here so that spend
 * does not depend on the metrics package (which reads spend's events).
 */
public interface SpendMetrics {

  /** One finished request and its cost. */
  void request(SpendEvent event, double cost);

  /** What is left of a budget after a request: {@code holder} is {@code key} or {@code team}. */
  void remainingBudget(String holder, String name, double remaining);

  /** A soft budget was crossed (once per period): {@code scope} is {@code key}. */
  default void softBudgetCrossed(String scope) {
  }
}
