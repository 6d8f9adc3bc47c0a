package dev.switchboard.spend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.config.SpendSettings;
import dev.switchboard.model.BudgetAlert;
import dev.switchboard.model.CallBody;
import dev.switchboard.model.Price;
import dev.switchboard.model.Principal;
import dev.switchboard.model.VirtualKey;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A key's soft budget, in memory: it never refuses (not even with no max_budget beside it), and the
 * settlements that go past it raise one alert, however many follow and however they interleave.
 */
class SoftBudgetAlertTest {

  private static final Price PRICE = new Price(0.001, 0.001, 0.001, 0, 0, true);

  private final Budgets budgets = Accounting.inMemory(SpendSettings.DEFAULTS).budgets();
  private final Principal caller = new Principal("soft", false, new VirtualKey("cd".repeat(32), "sk-...0002",
      "soft", List.of(), null, null, null, false, null, null, null, null, null, new JsonObject(), new JsonObject(),
      new JsonObject(), List.of(), 0, null, null, null, false, null, null, new JsonObject(), new JsonObject(), 0.05,
      null, null), null);

  private Reservation reserve(String id) {
    CallBody body = new CallBody(new JsonObject().put("model", "chat").put("max_tokens", 1000)
        .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", "Hello there"))));
    Future<Reservation> held = budgets.reserve(new BudgetCheck(id, caller, null, PRICE, body, System.currentTimeMillis(),
        null));
    assertTrue(held.succeeded(), () -> "a soft budget never refuses: " + held.cause());
    return held.result();
  }

  @Test
  void crossing_is_alerted_once_though_requests_overlap_and_go_on() {
    List<Reservation> open = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      open.add(reserve("r" + i)); // each holds $1, far past the $0.05 soft budget: none is refused
    }
    List<BudgetAlert> alerts = new ArrayList<>();
    for (Reservation reservation : open) {
      alerts.addAll(budgets.settle(reservation, 0.02));
    }
    assertEquals(1, alerts.size(), alerts.toString());
    BudgetAlert alert = alerts.get(0);
    assertEquals("soft_budget_crossed", alert.type());
    assertEquals("soft", alert.name());
    assertEquals(0.06, alert.spend(), 1e-9, "the third $0.02 crossed $0.05");
    assertNull(alert.maxBudget());
    assertEquals(List.of(), budgets.settle(reserve("later"), 0.02), "spend past it raises nothing more");
  }
}
