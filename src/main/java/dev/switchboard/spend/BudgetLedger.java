package dev.switchboard.spend;

import io.vertx.core.Future;
import java.util.function.Predicate;

/** Where spend per period and open reservations are kept: this gateway's memory, or Postgres. */
interface BudgetLedger {

  /**
   * Reserves {@code reservation.amount()} against every hold, or against none.
   *
   * @param headroom the worst-case cost that must still fit (strict mode), or 0
   * @return null when admitted, otherwise the first hold that refused and what it had spent
   */
  Future<Refusal> reserve(Reservation reservation, double headroom, boolean strict);

  /** The request ended and cost {@code cost}: release the reservation and count the cost. */
  void settle(Reservation reservation, double cost);

  /** The spend this ledger knows for the charge's holder in the charge's period, or null when it does not keep it. */
  default Double spent(Charge charge) {
    return null;
  }

  /**
   * An admin cut spend (a key's reset_spend, the global reset): every period's spend this ledger
   * keeps for a holder that {@code holders} accepts becomes at most {@code atMost}, or exactly
   * that when {@code exact} (a key's spend set on /key/update); open reservations stay. Postgres
   * was changed by the admin request itself.
   */
  default void lower(Predicate<String> holders, double atMost, boolean exact) {
  }

  /** A hold that refused a request, with its spend and open reservations at that moment. */
  record Refusal(Hold hold, double spend, double reserved) {
  }
}
