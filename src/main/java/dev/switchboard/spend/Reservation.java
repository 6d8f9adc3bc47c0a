package dev.switchboard.spend;

import java.util.List;

/**
 * What an admitted request holds until it is settled: {@code amount} (USD) against each of
 * {@code holds}; {@code charges} are every holder its actual cost will count toward.
 */
public record Reservation(String requestId, List<Charge> charges, List<Hold> holds, double amount) {

  /** Nothing budgeted: the request's cost is only recorded. */
  boolean holdsNothing() {
    return holds.isEmpty();
  }
}
