package dev.switchboard.spend;

import dev.switchboard.admin.AdminRoute;
import dev.switchboard.config.SpendSettings;
import dev.switchboard.errors.GatewayError;
import dev.switchboard.model.KeySecrets;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /global/spend/report}, in LiteLLM's shapes: by day, then by team ({@code team_name},
 * {@code total_spend}, {@code metadata} per model and key) or by customer; or, for
 * {@code group_by=api_key} (or an {@code api_key} / {@code internal_user_id} filter), one entry per
 * key with {@code total_cost}, tokens and {@code model_details}. Switchboard adds
 * {@code group_by=user|model}, {@code team_id}, {@code total_tokens} and {@code requests}.
 */
final class GlobalSpendReport {

  /** group_by → the grouping column and the name of its groups' list in a day. */
  private static final Map<String, String[]> DAILY = Map.of(
      "team", new String[] {"coalesce(t.team_alias, s.team_id, 'Unassigned Team')", "teams", "team_name"},
      "customer", new String[] {"s.end_user", "customers", "customer"},
      "user", new String[] {"s.user_id", "users", "user_name"},
      "model", new String[] {"s.model_group", "models", "model_name"});

  private final Pool pool;
  private final SpendSettings settings;

  GlobalSpendReport(Pool pool, SpendSettings settings) {
    this.pool = pool;
    this.settings = settings;
  }

  void mount(Router router) {
    router.get("/global/spend/report").handler(AdminRoute.json(this::report));
  }

  private Future<JsonArray> report(RoutingContext ctx) {
    String groupBy = ctx.request().getParam("group_by", "team");
    String key = ctx.request().getParam("api_key");
    String user = ctx.request().getParam("internal_user_id");
    if (groupBy.equals("api_key") || key != null || user != null) {
      return byKey(ctx, key, user);
    }
    String[] group = DAILY.get(groupBy);
    if (group == null) {
      return Future.failedFuture(GatewayError.badRequest("group_by",
          "group_by must be one of team, customer, api_key (or Switchboard's user, model)."));
    }
    List<String> where = new ArrayList<>();
    Tuple args = Tuple.tuple().addString(settings.timezone().getId());
    ReportParams.equal(ctx, "team_id", "s.team_id", args, where);
    ReportParams.equal(ctx, "customer_id", "s.end_user", args, where);
    ReportParams.range(ctx, args, where);
    String sql = "SELECT (s.start_time AT TIME ZONE $1)::date AS day, " + group[0] + " AS grp, "
        + (groupBy.equals("team") ? "s.team_id" : "NULL") + " AS team_id, s.model, s.api_key, "
        + "sum(s.spend) AS spend, sum(s.total_tokens) AS tokens, count(*) AS requests "
        + "FROM spend_logs s LEFT JOIN teams t ON t.team_id = s.team_id"
        + ReportParams.where(where.stream().map(w -> w.replace("start_time", "s.start_time")).toList())
        + " GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2 NULLS FIRST, 3 NULLS FIRST, 4 NULLS FIRST, 5 NULLS FIRST";
    return pool.preparedQuery(sql).execute(args).map(rows -> {
      Map<LocalDate, Map<String, JsonObject>> days = new LinkedHashMap<>();
      for (Row row : rows) {
        Map<String, JsonObject> groups = days.computeIfAbsent(row.getLocalDate("day"), d -> new LinkedHashMap<>());
        String name = row.getString("grp");
        String teamId = row.getString("team_id");
        JsonObject entry = groups.computeIfAbsent(name + "\u0000" + teamId, n -> {
          JsonObject created = new JsonObject().put(group[2], name);
          if (groupBy.equals("team")) {
            created.put("team_id", teamId);
          }
          return created.put("total_spend", 0.0).put("total_tokens", 0L).put("requests", 0L)
              .put("metadata", new JsonArray());
        });
        double spend = row.getDouble("spend");
        long tokens = row.getLong("tokens");
        entry.put("total_spend", entry.getDouble("total_spend") + spend)
            .put("total_tokens", entry.getLong("total_tokens") + tokens)
            .put("requests", entry.getLong("requests") + row.getLong("requests"));
        entry.getJsonArray("metadata").add(new JsonObject().put("model", row.getString("model"))
            .put("api_key", row.getString("api_key")).put("spend", spend).put("total_tokens", tokens));
      }
      JsonArray out = new JsonArray();
      days.forEach((day, groups) -> out.add(new JsonObject().put("group_by_day", day.toString())
          .put(group[1], new JsonArray(new ArrayList<>(groups.values())))));
      return out;
    });
  }

  /** One entry per key, its cost and tokens and the same per model; costliest first. */
  private Future<JsonArray> byKey(RoutingContext ctx, String key, String user) {
    List<String> where = new ArrayList<>();
    Tuple args = Tuple.tuple();
    if (key != null && !key.isBlank()) {
      args.addString(key.startsWith("sk-") ? KeySecrets.hash(key) : key);
      where.add("api_key = $" + args.size());
    }
    ReportParams.equal(ctx, "internal_user_id", "user_id", args, where);
    ReportParams.range(ctx, args, where);
    String sql = "SELECT api_key, model, sum(spend) AS cost, sum(prompt_tokens) AS input, "
        + "sum(completion_tokens) AS output FROM spend_logs" + ReportParams.where(where)
        + " GROUP BY 1, 2 ORDER BY 1 NULLS FIRST, 2 NULLS FIRST";
    return pool.preparedQuery(sql).execute(args).map(rows -> {
      Map<String, JsonObject> keys = new LinkedHashMap<>();
      for (Row row : rows) {
        String hash = row.getString("api_key");
        JsonObject entry = keys.computeIfAbsent(String.valueOf(hash), h -> new JsonObject().put("api_key", hash)
            .put("total_cost", 0.0).put("total_input_tokens", 0L).put("total_output_tokens", 0L)
            .put("model_details", new JsonArray()));
        double cost = row.getDouble("cost");
        long input = row.getLong("input");
        long output = row.getLong("output");
        entry.put("total_cost", entry.getDouble("total_cost") + cost)
            .put("total_input_tokens", entry.getLong("total_input_tokens") + input)
            .put("total_output_tokens", entry.getLong("total_output_tokens") + output);
        entry.getJsonArray("model_details").add(new JsonObject().put("model", row.getString("model"))
            .put("total_cost", cost).put("total_input_tokens", input).put("total_output_tokens", output));
      }
      List<JsonObject> sorted = new ArrayList<>(keys.values());
      sorted.sort((a, b) -> Double.compare(b.getDouble("total_cost"), a.getDouble("total_cost")));
      return new JsonArray(new ArrayList<>(sorted));
    });
  }
}
