package dev.switchboard.spend;

import dev.switchboard.admin.AdminRoute;
import dev.switchboard.config.SpendSettings;
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
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * LiteLLM's spend endpoints, master key only unless said otherwise: {@code GET /spend/logs} and
 * {@code /global/spend} here, the reports in {@link SpendReports}, {@link GlobalSpendReport} and
 * {@link DailyActivity}. They read what the spend writer has written (at most
 * {@code proxy_batch_write_at} seconds behind). A row names its key by its hash, as LiteLLM's do.
 */
public final class SpendRoutes {

  private static final int MAX_ROWS = 1000;
  /** LiteLLM's {@code cache_key} while no response cache answered a call. */
  static final String CACHE_OFF = "Cache OFF";

  private final Pool pool;
  private final SpendSettings settings;

  public SpendRoutes(Pool pool, SpendSettings settings) {
    this.pool = pool;
    this.settings = settings;
  }

  public void mount(Router router) {
    router.get("/spend/logs").handler(AdminRoute.json(this::logs));
    router.get("/global/spend").handler(AdminRoute.json(this::global));
    new GlobalSpendReport(pool, settings).mount(router);
    new SpendReports(pool).mount(router);
    new SpendLogPages(pool).mount(router);
    new DailyActivity(pool, settings).mount(router);
    new ActivitySeries(pool, java.time.Clock.systemUTC()).mount(router);
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
      ReportParams.equal(ctx, filter, filter, args, where);
    }
    ReportParams.range(ctx, args, where);
    if (summarized(ctx)) {
      return summary(where, args, ReportParams.instant(ctx.request().getParam("end_date"), "end_date", false));
    }
    int limit = Math.min(MAX_ROWS, ReportParams.positive(ctx, "limit", 100));
    String sql = "SELECT * FROM spend_logs" + ReportParams.where(where)
        + " ORDER BY start_time DESC, request_id LIMIT " + limit;
    return pool.preparedQuery(sql).execute(args).map(rows -> {
      JsonArray out = new JsonArray();
      rows.forEach(row -> out.add(logRow(row)));
      return out;
    });
  }

  /** LiteLLM summarizes by day when both dates are given, unless {@code summarize=false}. */
  private static boolean summarized(RoutingContext ctx) {
    String start = ctx.request().getParam("start_date");
    String end = ctx.request().getParam("end_date");
    return start != null && !start.isBlank() && end != null && !end.isBlank()
        && !"false".equalsIgnoreCase(ctx.request().getParam("summarize"));
  }

  /**
   * LiteLLM's summarized {@code /spend/logs}: per UTC day, {@code startTime} (the day), {@code spend},
   * {@code users} and {@code models} (spend each), and each key's spend under its hash; the days
   * after the last one with spend, up to {@code end_date}, follow with zero, as in LiteLLM.
   */
  private Future<JsonArray> summary(List<String> where, Tuple args, OffsetDateTime end) {
    String sql = "SELECT (start_time AT TIME ZONE 'UTC')::date AS day, api_key, user_id, model, sum(spend) AS spend "
        + "FROM spend_logs" + ReportParams.where(where) + " GROUP BY 1, 2, 3, 4 ORDER BY 1";
    return pool.preparedQuery(sql).execute(args).map(rows -> {
      Map<LocalDate, JsonObject> days = new TreeMap<>();
      for (Row row : rows) {
        JsonObject day = days.computeIfAbsent(row.getLocalDate("day"), d -> new JsonObject().put("startTime", d.toString())
            .put("spend", 0.0).put("users", new JsonObject()).put("models", new JsonObject()));
        double spend = row.getDouble("spend");
        day.put("spend", day.getDouble("spend") + spend);
        day.put(String.valueOf(row.getString("api_key")), day.getDouble(String.valueOf(row.getString("api_key")), 0.0) + spend);
        add(day.getJsonObject("users"), String.valueOf(row.getString("user_id")), spend);
        add(day.getJsonObject("models"), String.valueOf(row.getString("model")), spend);
      }
      JsonArray out = new JsonArray(new ArrayList<>(days.values()));
      if (!days.isEmpty()) {
        LocalDate last = ((TreeMap<LocalDate, JsonObject>) days).lastKey();
        for (LocalDate day = last.plusDays(1); !day.isAfter(end.toLocalDate()); day = day.plusDays(1)) {
          out.add(new JsonObject().put("startTime", day.toString()).put("spend", 0.0)
              .put("users", new JsonObject()).put("models", new JsonObject()));
        }
      }
      return out;
    });
  }

  private static void add(JsonObject totals, String name, double spend) {
    totals.put(name, totals.getDouble(name, 0.0) + spend);
  }

  private Future<JsonObject> global(RoutingContext ctx) {
    return pool.query("SELECT coalesce(sum(spend), 0) FROM budget_spend WHERE holder = 'proxy'").execute()
        .map(rows -> new JsonObject()
            .put("spend", rows.iterator().next().getDouble(0))
            .put("max_budget", settings.proxyMaxBudget() == null ? 0.0 : settings.proxyMaxBudget()));
  }

  /** LiteLLM's SpendLogs row (its field names and types), plus Switchboard's own fields. */
  static JsonObject logRow(Row row) {
    Object metadata = row.getValue("metadata");
    OffsetDateTime completionStart = row.getOffsetDateTime("completion_start_time");
    Long duration = row.getLong("request_duration_ms");
    return new JsonObject()
        .put("request_id", row.getString("request_id"))
        .put("call_type", row.getString("call_type"))
        .put("api_key", row.getString("api_key"))
        .put("key_name", row.getString("key_name"))
        .put("key_alias", row.getString("key_alias"))
        .put("user", row.getString("user_id"))
        .put("team_id", row.getString("team_id"))
        .put("organization_id", null)
        .put("model_group", row.getString("model_group"))
        .put("model_id", row.getString("model_id"))
        .put("model", row.getString("model"))
        .put("custom_llm_provider", row.getString("provider"))
        .put("api_base", row.getString("api_base"))
        .put("prompt_tokens", row.getLong("prompt_tokens"))
        .put("completion_tokens", row.getLong("completion_tokens"))
        .put("cached_tokens", row.getLong("cached_tokens"))
        .put("total_tokens", row.getLong("total_tokens"))
        .put("spend", row.getDouble("spend"))
        .put("startTime", row.getOffsetDateTime("start_time").toInstant().toString())
        .put("endTime", row.getOffsetDateTime("end_time").toInstant().toString())
        .put("completionStartTime", completionStart == null ? null : completionStart.toInstant().toString())
        .put("request_duration_ms", duration)
        .put("ttft_ms", row.getDouble("ttft_ms"))
        .put("status", row.getInteger("status") < 400 ? "success" : "failure")
        .put("status_code", row.getInteger("status"))
        .put("error_type", row.getString("error_type"))
        .put("stream", row.getBoolean("stream"))
        // LiteLLM keeps both as text: str(bool) and its cache's key, "Cache OFF" with no cache.
        .put("cache_hit", row.getBoolean("cache_hit") ? "True" : "False")
        .put("cache_key", row.getString("cache_key") != null ? row.getString("cache_key") : CACHE_OFF)
        .put("request_tags", row.getValue("request_tags"))
        .put("metadata", metadata instanceof JsonObject object ? object
            : metadata == null ? new JsonObject() : new JsonObject(String.valueOf(metadata)))
        .put("end_user", row.getString("end_user"))
        .put("requester_ip_address", row.getString("requester_ip_address"))
        .put("session_id", null);
  }
}
