package dev.switchboard.doctor;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/** The doctor's findings as a table for a terminal, or as JSON for {@code GET /health/doctor}. */
public record Report(List<Check> checks) {

  public boolean failed() {
    return checks.stream().anyMatch(c -> c.status() == Check.Status.FAIL);
  }

  public long count(Check.Status status) {
    return checks.stream().filter(c -> c.status() == status).count();
  }

  /** STATUS, CHECK and DETAIL columns; each fix on the line below its finding. */
  public String table() {
    int width = Math.max(5, checks.stream().mapToInt(c -> c.name().length()).max().orElse(5));
    StringBuilder out = new StringBuilder();
    out.append(String.format("%-6s %-" + width + "s  %s%n", "STATUS", "CHECK", "DETAIL"));
    for (Check check : checks) {
      out.append(String.format("%-6s %-" + width + "s  %s%n", check.status(), check.name(), check.detail()));
      if (check.fix() != null) {
        out.append(String.format("%-6s %-" + width + "s  fix: %s%n", "", "", check.fix()));
      }
    }
    out.append(String.format("%n%d OK, %d WARN, %d FAIL%n", count(Check.Status.OK), count(Check.Status.WARN),
        count(Check.Status.FAIL)));
    return out.toString();
  }

  public JsonObject toJson() {
    JsonArray list = new JsonArray();
    checks.forEach(c -> list.add(c.toJson()));
    return new JsonObject().put("status", failed() ? "FAIL" : count(Check.Status.WARN) > 0 ? "WARN" : "OK")
        .put("ok", count(Check.Status.OK)).put("warn", count(Check.Status.WARN)).put("fail", count(Check.Status.FAIL))
        .put("checks", list);
  }
}
