package dev.switchboard.spend;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * {@code budget.lowered}, announced to every node: an admin cut the spend of some budget holders
 * ({@code key:<hash>}, {@code team:<id>}) to at most {@code atMost}, so every gateway's budget
 * ledger cuts what it holds in memory too, and a key that was over its budget is served again.
 *
 * @param holders  holders named one by one
 * @param prefixes every holder starting with one of these ({@code key:} for all keys)
 */
record SpendLowered(List<String> holders, List<String> prefixes, double atMost) {

  boolean covers(String holder) {
    return holders.contains(holder) || prefixes.stream().anyMatch(holder::startsWith);
  }

  JsonObject toJson() {
    return new JsonObject().put("holders", new JsonArray(holders)).put("prefixes", new JsonArray(prefixes))
        .put("at_most", atMost);
  }

  static SpendLowered from(JsonObject json) {
    return new SpendLowered(strings(json.getJsonArray("holders")), strings(json.getJsonArray("prefixes")),
        json.getDouble("at_most", 0.0));
  }

  private static List<String> strings(JsonArray array) {
    return array == null ? List.of() : array.stream().map(String::valueOf).toList();
  }
}
