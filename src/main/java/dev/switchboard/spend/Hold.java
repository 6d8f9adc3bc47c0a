package dev.switchboard.spend;

/**
 * A budget a request must fit in: its holder and period, the limit, and how to name it in an error.
 *
 * @param resetsAtMillis when the period ends, or 0 for a budget that never resets
 */
record Hold(Charge charge, double maxBudget, String label, long resetsAtMillis) {
}
