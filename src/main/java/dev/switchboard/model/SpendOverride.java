package dev.switchboard.model;

import io.vertx.core.Future;

/**
 * Sets what a budget holder has spent in its current budget period, as budgets are enforced from
 * it: LiteLLM's {@code spend} on {@code /key/update} and {@code /key/generate} moves the key's
 * budget, not only its spend column. Implemented by accounting; admin routes call it.
 */
public interface SpendOverride {

  /**
   * @param holder         {@code key:<hash>}
   * @param budgetDuration the holder's budget period (as enforced), or null for one that never resets
   * @param spend          what it has spent in the current period from now on
   * @return done once this gateway's budgets read it (the other gateways follow an announcement)
   */
  Future<Void> set(String holder, String budgetDuration, double spend);
}
