package dev.switchboard.spend;

import dev.switchboard.admin.AdminInput;
import dev.switchboard.admin.AdminRoute;
import dev.switchboard.errors.GatewayError;
import dev.switchboard.model.KeySecrets;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * LiteLLM's smaller spend reports, with its paths, parameters and field names: {@code /spend/keys},
 * {@code /spend/users}, {@code /spend/tags}, {@code /global/spend/keys}, {@code /global/spend/models}
 * {@code /global/spend/teams} and {@code /global/spend/logs} (over the last 30 days, as LiteLLM's views
 * are), and {@code POST /global/spend/end_users}.
 */
final class SpendReports {

  private static final String LAST_30_DAYS = "start_time >= current_date - interval '30 days'";
  /** A key's stored fields, as LiteLLM's key rows name them (its hash as {@code token}). */
  private static final String KEY_ROW = "SELECT row_to_json(k)::text FROM (SELECT token_hash AS token, key_name, "
      + "key_alias, spend, max_budget, budget_duration, models, user_id, team_id, expires, blocked, tpm_limit, rpm_limit, "
      + "max_parallel_requests, model_rpm_limit, model_tpm_limit, metadata, tags, created_at, updated_at, created_by, "
      + "updated_by FROM virtual_keys ORDER BY spend DESC, token_hash) k";
  private static final String USER_ROW = "SELECT row_to_json(u)::text FROM (SELECT user_id, user_alias, user_email, "
      + "user_role, models, max_budget, budget_duration, tpm_limit, rpm_limit, max_parallel_requests, metadata, spend, "
      + "created_at, updated_at FROM users %s ORDER BY spend DESC, user_id) u";

  private final Pool pool;

  SpendReports(Pool pool) {
    this.pool = pool;
  }

  void mount(Router router) {
    router.get("/spend/keys").handler(AdminRoute.json(ctx -> rows(pool.query(KEY_ROW).execute())));
    router.get("/spend/users").handler(AdminRoute.json(this::users));
    router.get("/spend/tags").handler(AdminRoute.json(this::tags));
    router.get("/global/spend/tags").handler(AdminRoute.json(this::spendPerTag));
    router.get("/global/spend/keys").handler(AdminRoute.json(this::topKeys));
    router.get("/global/spend/models").handler(AdminRoute.json(this::topModels));
    router.get("/global/spend/teams").handler(AdminRoute.json(ctx -> teams()));
    router.get("/global/spend/logs").handler(AdminRoute.json(this::dailyTotals));
    router.post("/global/spend/end_users").handler(AdminRoute.json(this::endUsers));
  }

  /** Spend per UTC day over the last 30 days, of one key ({@code api_key}: the key or its hash) or all. */
  private Future<JsonArray> dailyTotals(RoutingContext ctx) {
    String key = ctx.request().getParam("api_key");
    boolean oneKey = key != null && !key.isBlank();
    String sql = "SELECT (start_time AT TIME ZONE 'UTC')::date AS day, sum(spend) AS spend FROM spend_logs WHERE "
        + LAST_30_DAYS + (oneKey ? " AND api_key = $1" : "") + " GROUP BY 1 ORDER BY 1";
    Tuple args = oneKey ? Tuple.of(key.startsWith("sk-") ? KeySecrets.hash(key) : key) : Tuple.tuple();
    return pool.preparedQuery(sql).execute(args).map(rows -> {
      JsonArray out = new JsonArray();
      rows.forEach(row -> {
        JsonObject day = new JsonObject().put("date", row.getLocalDate("day").toString()).put("spend", row.getDouble("spend"));
        out.add(oneKey ? day.put("api_key", args.getString(0)) : day);
      });
      return out;
    });
  }

  /**
   * The 100 costliest end users ({@code user} of the requests), from {@code startTime} (30 days ago
   * by default) to {@code endTime} (now), of one {@code api_key} or all: LiteLLM's body fields.
   */
  private Future<JsonArray> endUsers(RoutingContext ctx) {
    JsonObject body = AdminInput.body(ctx);
    OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
    OffsetDateTime from = time(body, "startTime", now.minusDays(30));
    OffsetDateTime to = time(body, "endTime", now);
    String key = body.getValue("api_key") instanceof String text && !text.isBlank()
        ? (text.startsWith("sk-") ? KeySecrets.hash(text) : text) : null;
    String sql = "SELECT end_user, count(*) AS total_count, sum(spend) AS total_spend FROM spend_logs "
        + "WHERE start_time >= $1 AND start_time < $2 AND ($3::text IS NULL OR api_key = $3) "
        + "GROUP BY end_user ORDER BY total_spend DESC, end_user NULLS LAST LIMIT 100";
    return pool.preparedQuery(sql).execute(Tuple.of(from, to, key)).map(rows -> {
      JsonArray out = new JsonArray();
      rows.forEach(row -> out.add(new JsonObject().put("end_user", row.getString("end_user"))
          .put("total_count", row.getLong("total_count")).put("total_spend", row.getDouble("total_spend"))));
      return out;
    });
  }

  private static OffsetDateTime time(JsonObject body, String field, OffsetDateTime fallback) {
    Object value = body.getValue(field);
    if (value == null) {
      return fallback;
    }
    if (!(value instanceof String text)) {
      throw GatewayError.badRequest(field, field + " must be a time such as 2026-01-31T12:00:00Z or a day (2026-01-31).");
    }
    return ReportParams.instant(text, field, false);
  }

  private static Future<JsonArray> rows(Future<RowSet<Row>> query) {
    return query.map(rows -> {
      JsonArray out = new JsonArray();
      rows.forEach(row -> out.add(new JsonObject(row.getString(0))));
      return out;
    });
  }

  private Future<JsonArray> users(RoutingContext ctx) {
    String user = ctx.request().getParam("user_id");
    if (user == null || user.isBlank()) {
      return rows(pool.query(USER_ROW.formatted("")).execute());
    }
    return rows(pool.preparedQuery(USER_ROW.formatted("WHERE user_id = $1")).execute(Tuple.of(user)));
  }

  /** Per tag: how many requests carried it and what they cost. */
  private Future<JsonArray> tags(RoutingContext ctx) {
    List<String> where = new ArrayList<>();
    Tuple args = Tuple.tuple();
    ReportParams.range(ctx, args, where);
    String sql = "SELECT tag, count(*) AS log_count, sum(spend) AS total_spend FROM spend_logs, "
        + "jsonb_array_elements_text(request_tags) AS tag" + ReportParams.where(where)
        + " GROUP BY tag ORDER BY total_spend DESC, tag";
    return pool.preparedQuery(sql).execute(args).map(rows -> {
      JsonArray out = new JsonArray();
      rows.forEach(row -> out.add(new JsonObject().put("individual_request_tag", row.getString("tag"))
          .put("log_count", row.getLong("log_count")).put("total_spend", row.getDouble("total_spend"))));
      return out;
    });
  }

  /**
   * LiteLLM's UI chart of spend per tag: both dates required, {@code tags} a comma-separated filter
   * ({@code all-tags}, or none, for every tag); {@code {spend_per_tag: [{name, spend, log_count}]}},
   * costliest first, spend rounded to 4 decimals as LiteLLM rounds it.
   */
  private Future<JsonObject> spendPerTag(RoutingContext ctx) {
    ReportParams.requireRange(ctx);
    List<String> where = new ArrayList<>();
    Tuple args = Tuple.tuple();
    ReportParams.range(ctx, args, where);
    String tags = ctx.request().getParam("tags");
    List<String> named = tags == null ? List.of()
        : java.util.Arrays.stream(tags.split(",")).map(String::trim).filter(tag -> !tag.isEmpty()).toList();
    if (!named.isEmpty() && !named.contains("all-tags")) {
      args.addArrayOfString(named.toArray(new String[0]));
      where.add("tag = ANY($" + args.size() + ")");
    }
    String sql = "SELECT tag, count(*) AS log_count, sum(spend) AS total_spend FROM spend_logs, "
        + "jsonb_array_elements_text(request_tags) AS tag" + ReportParams.where(where)
        + " GROUP BY tag ORDER BY total_spend DESC, tag";
    return pool.preparedQuery(sql).execute(args).map(rows -> {
      JsonArray out = new JsonArray();
      rows.forEach(row -> out.add(new JsonObject().put("name", row.getString("tag"))
          .put("spend", BigDecimal.valueOf(row.getDouble("total_spend")).setScale(4, RoundingMode.HALF_EVEN).doubleValue())
          .put("log_count", row.getLong("log_count"))));
      return new JsonObject().put("spend_per_tag", out);
    });
  }

  /** The keys that spent most in the last 30 days, {@code limit} of them (all by default). */
  private Future<JsonArray> topKeys(RoutingContext ctx) {
    int limit = ReportParams.positive(ctx, "limit", Integer.MAX_VALUE);
    String sql = "SELECT s.api_key, k.key_alias, k.key_name, sum(s.spend) AS total_spend FROM spend_logs s "
        + "LEFT JOIN virtual_keys k ON k.token_hash = s.api_key WHERE s." + LAST_30_DAYS
        + " GROUP BY 1, 2, 3 ORDER BY total_spend DESC, 1 LIMIT $1";
    return pool.preparedQuery(sql).execute(Tuple.of(limit)).map(rows -> {
      JsonArray out = new JsonArray();
      rows.forEach(row -> out.add(new JsonObject().put("api_key", row.getString("api_key"))
          .put("key_alias", row.getString("key_alias")).put("key_name", row.getString("key_name"))
          .put("total_spend", row.getDouble("total_spend"))));
      return out;
    });
  }

  /** The models (as sent upstream) that cost most in the last 30 days, 10 unless {@code limit} says. */
  private Future<JsonArray> topModels(RoutingContext ctx) {
    int limit = ReportParams.positive(ctx, "limit", 10);
    String sql = "SELECT model, sum(spend) AS total_spend FROM spend_logs WHERE " + LAST_30_DAYS
        + " AND coalesce(model, '') <> '' GROUP BY 1 ORDER BY total_spend DESC, 1 LIMIT $1";
    return pool.preparedQuery(sql).execute(Tuple.of(limit)).map(rows -> {
      JsonArray out = new JsonArray();
      rows.forEach(row -> out.add(new JsonObject().put("model", row.getString("model"))
          .put("total_spend", row.getDouble("total_spend"))));
      return out;
    });
  }

  /**
   * Daily spend per team over the last 30 days, in LiteLLM's chart shape: {@code daily_spend} rows
   * of {@code date} and one field per team, {@code teams}, and the 10 costliest in
   * {@code total_spend_per_team}. Teams go by alias ({@code Unassigned} without one); amounts are
   * rounded to cents, as LiteLLM's are.
   */
  private Future<JsonObject> teams() {
    String sql = "SELECT t.team_alias, (s.start_time AT TIME ZONE 'UTC')::date AS day, sum(s.spend) AS total_spend FROM spend_logs s "
        + "LEFT JOIN teams t ON t.team_id = s.team_id WHERE s." + LAST_30_DAYS + " GROUP BY 1, 2 ORDER BY 2, 1";
    return pool.query(sql).execute().map(rows -> {
      Map<String, JsonObject> byDay = new LinkedHashMap<>();
      Set<String> teams = new LinkedHashSet<>();
      Map<String, Double> totals = new LinkedHashMap<>();
      for (Row row : rows) {
        String team = row.getString("team_alias") == null ? "Unassigned" : row.getString("team_alias");
        double spend = cents(row.getDouble("total_spend"));
        String day = row.getLocalDate("day").toString();
        byDay.computeIfAbsent(day, d -> new JsonObject().put("date", d)).put(team, spend);
        teams.add(team);
        totals.merge(team, spend, Double::sum);
      }
      JsonArray perTeam = new JsonArray();
      totals.entrySet().stream().sorted((a, b) -> Double.compare(b.getValue(), a.getValue())).limit(10)
          .forEach(e -> perTeam.add(new JsonObject().put("team_id", e.getKey()).put("total_spend", e.getValue())));
      return new JsonObject().put("daily_spend", new JsonArray(new ArrayList<>(byDay.values())))
          .put("teams", new JsonArray(new ArrayList<>(teams))).put("total_spend_per_team", perTeam);
    });
  }

  private static double cents(double amount) {
    return BigDecimal.valueOf(amount).setScale(2, RoundingMode.HALF_EVEN).doubleValue();
  }
}
