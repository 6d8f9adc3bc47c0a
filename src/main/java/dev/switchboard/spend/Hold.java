package dev.switchboard.spend;

/**
 * A budget a request must fit in: its holder and period, the limit, and how to name it in an error.
 *
 * @param maxBudget      the limit; infinite for a holder that has only a soft budget
 * @param resetsAtMillis when the period ends, or 0 for a budget that never resets
 * @param softBudget     spend past which an alert is raised (never a refusal), or null
 * @param refusal        the whole refusal message where LiteLLM words it its own way (a per-model budget), or null
 */
record Hold(Charge charge, double maxBudget, String label, long resetsAtMillis, Soft softBudget, String refusal) {

  /** A soft budget and whom an alert names: {@code scope} {@code key}, {@code name} its alias or display name. */
  record Soft(double amount, String scope, String name) {
  }

  Hold(Charge charge, double maxBudget, String label, long resetsAtMillis) {
    this(charge, maxBudget, label, resetsAtMillis, null, null);
  }

  /** A hard limit, not one that only carries a soft budget. */
  boolean limits() {
    return !Double.isInfinite(maxBudget);
  }
}
