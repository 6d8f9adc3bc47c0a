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
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * LiteLLM's spend reports, master key only: {@code GET /spend/logs}, {@code /global/spend} and
 * {@code /global/spend/report}. They read what the spend writer has written (at most
 * {@code proxy_batch_write_at} seconds behind). Key hashes are filters, never output: a row names
 * its key by display name and alias.
 */
public final class SpendRoutes {

  private static final int MAX_ROWS = 1000;
  private static final Map<String, String> GROUPS = Map.of(
      "team", "team_id", "api_key", "coalesce(key_alias, key_name)", "user", "user_id", "model", "model_group");

  private final Pool pool;
  private final SpendSettings settings;

  public SpendRoutes(Pool pool, SpendSettings settings) {
    this.pool = pool;
    this.settings = settings;
  }

  public void mount(Router router) {
    router.get("/spend/logs").handler(AdminRoute.json(this::logs));
    router.get("/global/spend").handler(AdminRoute.json(this::global));
    router.get("/global/spend/report").handler(AdminRoute.json(this::report));
  }

  private Future<JsonArray> logs(RoutingContext ctx) {
    List<String> where = new ArrayList<>();
    Tuple args = Tuple.tuple();
    String key = ctx.request().getParam("api_key");
    if (key != null && !key.isBlank()) {
      args.addString(key.startsWith("sk-") ? KeySecrets.hash(key) : key);
      where.add("api_key = $" + args.size());
    }
    for (String filter : new String[] {"user_id", "team_id", "request_id"}) {
      String value = ctx.request().getParam(filter);
      if (value != null && !value.isBlank()) {
        args.addString(value);
        where.add(filter + " = $" + args.size());
      }
    }
    range(ctx, args, where);
    int limit = Math.min(MAX_ROWS, positive(ctx, "limit", 100));
    String sql = "SELECT * FROM spend_logs" + (where.isEmpty() ? "" : " WHERE " + String.join(" AND ", where))
        + " ORDER BY start_time DESC, request_id LIMIT " + limit;
    return pool.preparedQuery(sql).execute(args).map(rows -> {
      JsonArray out = new JsonArray();
      rows.forEach(row -> out.add(logRow(row)));
      return out;
    });
  }

  private Future<JsonObject> global(RoutingContext ctx) {
    return pool.query("SELECT coalesce(sum(spend), 0) FROM budget_spend WHERE holder = 'proxy'").execute()
        .map(rows -> new JsonObject()
            .put("spend", rows.iterator().next().getDouble(0))
            .put("max_budget", settings.proxyMaxBudget() == null ? 0.0 : settings.proxyMaxBudget()));
  }

  /** Spend by day, then by team (or key, user, model: {@code group_by}), each with its models. */
  private Future<JsonArray> report(RoutingContext ctx) {
    String groupBy = ctx.request().getParam("group_by", "team");
    String column = GROUPS.get(groupBy);
    if (column == null) {
      return Future.failedFuture(GatewayError.badRequest("group_by", "group_by must be one of team, api_key, user, model."));
    }
    List<String> where = new ArrayList<>();
    Tuple args = Tuple.tuple().addString(settings.timezone().getId());
    range(ctx, args, where);
    String sql = "SELECT (start_time AT TIME ZONE $1)::date AS day, " + column + " AS grp, model_group, "
        + "sum(spend) AS spend, sum(total_tokens) AS tokens, count(*) AS requests FROM spend_logs"
        + (where.isEmpty() ? "" : " WHERE " + String.join(" AND ", where))
        + " GROUP BY 1, 2, 3 ORDER BY 1, 2 NULLS FIRST, 3 NULLS FIRST";
    return pool.preparedQuery(sql).execute(args).map(rows -> {
      Map<LocalDate, Map<String, JsonObject>> days = new LinkedHashMap<>();
      for (Row row : rows) {
        Map<String, JsonObject> groups = days.computeIfAbsent(row.getLocalDate("day"), d -> new LinkedHashMap<>());
        String name = row.getString("grp");
        JsonObject group = groups.computeIfAbsent(String.valueOf(name), n -> new JsonObject()
            .put(groupBy.equals("api_key") ? "api_key" : groupBy + "_name", name)
            .put("total_spend", 0.0).put("total_tokens", 0L).put("requests", 0L).put("metadata", new JsonArray()));
        double spend = row.getDouble("spend");
        long tokens = row.getLong("tokens");
        group.put("total_spend", group.getDouble("total_spend") + spend)
            .put("total_tokens", group.getLong("total_tokens") + tokens)
            .put("requests", group.getLong("requests") + row.getLong("requests"));
        group.getJsonArray("metadata").add(new JsonObject().put("model", row.getString("model_group"))
            .put("spend", spend).put("total_tokens", tokens));
      }
      JsonArray out = new JsonArray();
      days.forEach((day, groups) -> out.add(new JsonObject().put("group_by_day", day.toString())
          .put(groupBy.equals("api_key") ? "keys" : groupBy + "s", new JsonArray(new ArrayList<>(groups.values())))));
      return out;
    });
  }

  /** {@code start_date} / {@code end_date}: a day (end day included) or an ISO-8601 instant. */
  private static void range(RoutingContext ctx, Tuple args, List<String> where) {
    String start = ctx.request().getParam("start_date");
    if (start != null && !start.isBlank()) {
      args.addOffsetDateTime(instant(start, "start_date", false));
      where.add("start_time >= $" + args.size());
    }
    String end = ctx.request().getParam("end_date");
    if (end != null && !end.isBlank()) {
      args.addOffsetDateTime(instant(end, "end_date", true));
      where.add("start_time < $" + args.size());
    }
  }

  private static OffsetDateTime instant(String text, String param, boolean endOfDay) {
    try {
      if (text.length() == 10) {
        LocalDate day = LocalDate.parse(text);
        return (endOfDay ? day.plusDays(1) : day).atStartOfDay().atOffset(ZoneOffset.UTC);
      }
      return Instant.parse(text).atOffset(ZoneOffset.UTC);
    } catch (DateTimeParseException e) {
      throw GatewayError.badRequest(param, param + " must be a day (2026-01-31) or an ISO-8601 time (2026-01-31T12:00:00Z).");
    }
  }

  private static int positive(RoutingContext ctx, String name, int fallback) {
    String value = ctx.request().getParam(name);
    try {
      return value == null ? fallback : Math.max(1, Integer.parseInt(value));
    } catch (NumberFormatException e) {
      throw GatewayError.badRequest(name, name + " must be a whole number.");
    }
  }

  /** LiteLLM's field names, plus Switchboard's; never the key's hash. */
  private static JsonObject logRow(Row row) {
    return new JsonObject()
        .put("request_id", row.getString("request_id"))
        .put("key_name", row.getString("key_name"))
        .put("key_alias", row.getString("key_alias"))
        .put("user", row.getString("user_id"))
        .put("team_id", row.getString("team_id"))
        .put("model_group", row.getString("model_group"))
        .put("model_id", row.getString("model_id"))
        .put("model", row.getString("model"))
        .put("custom_llm_provider", row.getString("provider"))
        .put("prompt_tokens", row.getLong("prompt_tokens"))
        .put("completion_tokens", row.getLong("completion_tokens"))
        .put("cached_tokens", row.getLong("cached_tokens"))
        .put("total_tokens", row.getLong("total_tokens"))
        .put("spend", row.getDouble("spend"))
        .put("startTime", row.getOffsetDateTime("start_time").toInstant().toString())
        .put("endTime", row.getOffsetDateTime("end_time").toInstant().toString())
        .put("ttft_ms", row.getDouble("ttft_ms"))
        .put("status", row.getInteger("status") < 400 ? "success" : "failure")
        .put("status_code", row.getInteger("status"))
        .put("error_type", row.getString("error_type"))
        .put("stream", row.getBoolean("stream"))
        .put("cache_hit", row.getBoolean("cache_hit"))
        .put("request_tags", row.getValue("request_tags"))
        .put("end_user", row.getString("end_user"))
        .put("call_type", row.getString("call_type"));
  }
}
