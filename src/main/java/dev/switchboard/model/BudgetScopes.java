package dev.switchboard.model;

import io.vertx.core.Future;
import java.util.List;

/**
 * The budgets a request falls under beyond its key, user and team: its customer's (the request's
 * {@code user}, LiteLLM's end user) and its team's organization's. Read from the database where
 * there is one; without one a customer's spend is still counted, against no budget.
 */
public interface BudgetScopes {

  /**
   * One budget holder.
   *
   * @param holder         {@code customer:<id>} or {@code org:<id>}
   * @param label          how refusals name it ({@code customer 'alice'})
   * @param maxBudget      null when it has no budget (its spend is counted all the same)
   * @param budgetDuration its reset period, or null for a budget that never resets
   */
  record Scope(String holder, String label, Double maxBudget, String budgetDuration) {

    public static Scope customer(String id, Double maxBudget, String budgetDuration) {
      return new Scope("customer:" + id, "customer '" + id + "'", maxBudget, budgetDuration);
    }

    public static Scope organization(String id, Double maxBudget, String budgetDuration) {
      return new Scope("org:" + id, "organization '" + id + "'", maxBudget, budgetDuration);
    }

    /** A member's budget within an organization (LiteLLM's max_budget_in_organization). */
    public static Scope organizationMember(String organizationId, String userId, Double maxBudget, String budgetDuration) {
      return new Scope("orgmember:" + organizationId + ":" + userId, "user '" + userId + "' in organization '"
          + organizationId + "'", maxBudget, budgetDuration);
    }
  }

  /** @param blockedCustomer the request's customer when an admin blocked it, else null */
  record Found(String blockedCustomer, List<Scope> scopes) {
  }

  /**
   * @param customer the request's {@code user}, or null
   * @param teamId   the calling key's team, or null
   * @param userId   the calling key's user, or null (its budget in the team's organization applies)
   */
  Future<Found> find(String customer, String teamId, String userId);

  /** No database: a customer with no budget, no organizations. */
  BudgetScopes NONE = (customer, teamId, userId) -> Future.succeededFuture(new Found(null,
      customer == null ? List.of() : List.of(Scope.customer(customer, null, null))));
}
