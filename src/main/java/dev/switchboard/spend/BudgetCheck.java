package dev.switchboard.spend;

import dev.switchboard.model.Price;
import dev.switchboard.model.Principal;
import dev.switchboard.model.CallBody;
import dev.switchboard.model.Deployment;

/**
 * {@code budget.reserve}: may this request, about to go to this deployment, spend?
 *
 * @param endUser the customer it is for (its {@code user}, or LiteLLM's end-user header), or null
 */
public record BudgetCheck(String requestId, Principal principal, Deployment deployment, Price price, CallBody body,
    long startEpochMillis, String endUser) {
}
