package dev.switchboard.spend;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * {@code budget.lowered}, announced to every node: an admin cut the spend of some budget holders
 * ({@code key:<hash>}, {@code team:<id>}) to at most {@code atMost}, or set it to exactly that (a
 * key's {@code spend} on /key/update), so every gateway's budget ledger changes what it holds in
 * memory too: a key that was over its budget is served again, one set past it is refused.
 *
 * @param holders  holders named one by one
 * @param prefixes every holder starting with one of these ({@code key:} for all keys)
 * @param exact    set to {@code atMost} rather than cut to it
 */
record SpendLowered(List<String> holders, List<String> prefixes, double atMost, boolean exact) {

  SpendLowered(List<String> holders, List<String> prefixes, double atMost) {
    this(holders, prefixes, atMost, false);
  }

  boolean covers(String holder) {
    return holders.contains(holder) || prefixes.stream().anyMatch(holder::startsWith);
  }

  JsonObject toJson() {
    return new JsonObject().put("holders", new JsonArray(holders)).put("prefixes", new JsonArray(prefixes))
        .put("at_most", atMost).put("exact", exact);
  }

  static SpendLowered from(JsonObject json) {
    return new SpendLowered(strings(json.getJsonArray("holders")), strings(json.getJsonArray("prefixes")),
        json.getDouble("at_most", 0.0), json.getBoolean("exact", false));
  }

  private static List<String> strings(JsonArray array) {
    return array == null ? List.of() : array.stream().map(String::valueOf).toList();
  }
}
