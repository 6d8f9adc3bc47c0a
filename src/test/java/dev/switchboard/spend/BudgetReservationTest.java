package dev.switchboard.spend;

import dev.switchboard.model.Price;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.config.SpendSettings;
import dev.switchboard.errors.GatewayError;
import dev.switchboard.model.CallBody;
import dev.switchboard.model.Principal;
import dev.switchboard.model.VirtualKey;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The Budget stage alone, in memory: a reservation holds the request's worst case against the key's
 * budget, its settlement counts what it really cost, and a budget that is spent refuses the next one.
 */
class BudgetReservationTest {

  /** $0.001 a token in and out. */
  private static final Price PRICE = new Price(0.001, 0.001, 0.001, 0, 0, true);

  private final Budgets budgets = Accounting.inMemory(SpendSettings.DEFAULTS).budgets();
  private final Principal caller = new Principal("budgeted", false, new VirtualKey("ab".repeat(32), "sk-...0001",
      "budgeted", List.of(), null, null, null, false, 0.5, null, null, null, null, new JsonObject(), new JsonObject(),
      new JsonObject(), List.of(), 0, null, null, null, false, null, null, new JsonObject(), new JsonObject(), null, null, null), null);

  private BudgetCheck check(String id, int maxTokens) {
    CallBody body = new CallBody(new JsonObject().put("model", "chat").put("max_tokens", maxTokens)
        .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", "Hello there"))));
    return new BudgetCheck(id, caller, null, PRICE, body, System.currentTimeMillis(), null);
  }

  @Test
  void what_is_held_counts_against_the_budget_until_it_is_settled_at_its_real_cost() {
    Future<Reservation> first = budgets.reserve(check("r1", 600));
    assertTrue(first.succeeded(), () -> String.valueOf(first.cause()));
    assertTrue(first.result().amount() >= 0.6, "600 output tokens at $0.001 are held: " + first.result().amount());

    // The first request holds more than the $0.5 budget: the next is refused while it runs.
    Future<Reservation> meanwhile = budgets.reserve(check("r2", 1));
    assertTrue(meanwhile.failed(), "the held amount counts against the budget");
    assertEquals(400, ((GatewayError) meanwhile.cause()).status());
    assertEquals("budget_exceeded", ((GatewayError) meanwhile.cause()).type());
    assertTrue(meanwhile.cause().getMessage().contains("budgeted"), meanwhile.cause().getMessage());

    // Settled at what it really cost ($0.01): the hold is gone and the next request fits.
    budgets.settle(first.result(), 0.01);
    assertTrue(budgets.reserve(check("r3", 1)).succeeded(), "the settled cost alone counts");
  }

  @Test
  void a_responses_call_holds_its_max_output_tokens_though_it_has_an_input() {
    CallBody responses = new CallBody(new JsonObject().put("model", "chat").put("input", "Hello there")
        .put("max_output_tokens", 600), true);
    Future<Reservation> held = budgets.reserve(new BudgetCheck("r1", caller, null, PRICE, responses, System.currentTimeMillis(), null));
    assertTrue(held.succeeded(), () -> String.valueOf(held.cause()));
    assertTrue(held.result().amount() >= 0.6, "600 output tokens at $0.001 are held: " + held.result().amount());
  }

  @Test
  void a_budget_spent_by_settled_requests_refuses_the_next() {
    Future<Reservation> first = budgets.reserve(check("r1", 1));
    budgets.settle(first.result(), 0.7);
    Future<Reservation> next = budgets.reserve(check("r2", 1));
    assertTrue(next.failed(), "$0.70 spent of $0.50");
    assertEquals(400, ((GatewayError) next.cause()).status());
  }
}
