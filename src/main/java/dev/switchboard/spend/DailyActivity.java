package dev.switchboard.spend;

import dev.switchboard.admin.AdminGuard;
import dev.switchboard.admin.AdminRoute;
import dev.switchboard.config.SpendSettings;
import dev.switchboard.errors.ErrorClass;
import dev.switchboard.errors.GatewayError;
import dev.switchboard.model.KeySecrets;
import dev.switchboard.model.Principal;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code GET /user/daily/activity} and {@code /team/daily/activity} (master key; teams also as
 * {@code breakdown.entities}): LiteLLM's SpendAnalyticsPaginatedResponse, {@code results} per
 * day (in {@code litellm_settings.timezone}) with {@code metrics} and a {@code breakdown} by model,
 * model group, provider and key, and {@code metadata} totals over the whole range. Pages go by day.
 * The master key sees anyone's; a virtual key sees its user's (or, with no user, its own), and
 * asking for another user's is refused as LiteLLM refuses it.
 */
final class DailyActivity {

  private static final int MAX_PAGE_SIZE = 1000;

  private final Pool pool;
  private final SpendSettings settings;

  DailyActivity(Pool pool, SpendSettings settings) {
    this.pool = pool;
    this.settings = settings;
  }

  /** Whose activity: users' (no entities), teams' or customers' (each also in {@code breakdown.entities}). */
  private enum Entity { USER, TEAM, CUSTOMER }

  void mount(Router router) {
    router.get("/user/daily/activity").handler(AdminRoute.json(ctx -> activity(ctx, Entity.USER)));
    router.get("/team/daily/activity").handler(AdminRoute.json(ctx -> activity(ctx, Entity.TEAM)));
    for (String path : new String[] {"/customer/daily/activity", "/end_user/daily/activity"}) {
      router.get(path).handler(AdminRoute.json(ctx -> activity(ctx, Entity.CUSTOMER)));
    }
  }

  /**
   * @param entity TEAM: {@code team_ids} / {@code exclude_team_ids} filters; CUSTOMER: {@code end_user_ids} /
   *               {@code exclude_end_user_ids} (LiteLLM's page size there is 10), customers' aliases as metadata
   */
  private Future<JsonObject> activity(RoutingContext ctx, Entity entity) {
    boolean byTeam = entity == Entity.TEAM;
    ReportParams.requireRange(ctx);
    LocalDate start = day(ctx, "start_date");
    LocalDate end = day(ctx, "end_date");
    int page = ReportParams.positive(ctx, "page", 1);
    int pageSize = Math.min(MAX_PAGE_SIZE, ReportParams.positive(ctx, "page_size", entity == Entity.CUSTOMER ? 10 : 50));
    Tuple args = Tuple.tuple().addString(settings.timezone().getId()).addLocalDate(start).addLocalDate(end);
    List<String> where = new ArrayList<>(List.of("(start_time AT TIME ZONE $1)::date BETWEEN $2 AND $3"));
    scope(ctx, args, where);
    ReportParams.equal(ctx, "model", "model", args, where);
    if (byTeam) {
      teams(ctx, "team_ids", "s.team_id = ANY($%d)", args, where);
      teams(ctx, "exclude_team_ids", "NOT (coalesce(s.team_id, '') = ANY($%d))", args, where);
    }
    if (entity == Entity.CUSTOMER) {
      teams(ctx, "end_user_ids", "s.end_user = ANY($%d)", args, where);
      teams(ctx, "exclude_end_user_ids", "NOT (coalesce(s.end_user, '') = ANY($%d))", args, where);
    }
    String key = ctx.request().getParam("api_key");
    if (key != null && !key.isBlank()) {
      args.addString(key.startsWith("sk-") ? KeySecrets.hash(key) : key);
      where.add("api_key = $" + args.size());
    }
    String sql = "SELECT (start_time AT TIME ZONE $1)::date AS day, model, model_group, provider, api_key, "
        + "max(key_alias) AS key_alias, max(s.team_id) AS team_id, max(t.team_alias) AS team_alias, "
        + (entity == Entity.CUSTOMER ? "s.end_user AS entity, max(e.alias) AS entity_alias, " : "")
        + "sum(s.spend) AS spend, "
        + "sum(prompt_tokens) AS prompt, sum(completion_tokens) AS completion, sum(cached_tokens) AS cached, "
        + "count(*) AS requests, count(*) FILTER (WHERE status < 400) AS ok "
        + "FROM spend_logs s LEFT JOIN teams t ON t.team_id = s.team_id"
        + (entity == Entity.CUSTOMER ? " LEFT JOIN end_users e ON e.user_id = s.end_user" : "") + ReportParams.where(where)
        + " GROUP BY 1, 2, 3, 4, 5" + (entity == Entity.CUSTOMER ? ", s.end_user" : "")
        + " ORDER BY 1, 2 NULLS FIRST, 3 NULLS FIRST, 4 NULLS FIRST, 5 NULLS FIRST";
    return pool.preparedQuery(sql).execute(args).map(rows -> answer(rows, page, pageSize, entity));
  }

  /** A comma-separated list of team ids, as LiteLLM takes it, as a filter. */
  private static void teams(RoutingContext ctx, String param, String condition, Tuple args, List<String> where) {
    String value = ctx.request().getParam(param);
    if (value != null && !value.isBlank()) {
      args.addArrayOfString(java.util.Arrays.stream(value.split(",")).map(String::trim).filter(id -> !id.isEmpty())
          .toArray(String[]::new));
      where.add(condition.formatted(args.size()));
    }
  }

  /** Who the caller may see: the master key anyone ({@code user_id} optional), a virtual key its own. */
  private static void scope(RoutingContext ctx, Tuple args, List<String> where) {
    Principal caller = ctx.get(AdminGuard.CALLER);
    String asked = ctx.request().getParam("user_id");
    if (caller == null || caller.master() || caller.key() == null) {
      ReportParams.equal(ctx, "user_id", "user_id", args, where);
      return;
    }
    String own = caller.key().userId();
    if (asked != null && !asked.isBlank() && !asked.equals(own)) {
      throw GatewayError.of(ErrorClass.PERMISSION_DENIED, "not_your_user",
          "A virtual key can only view its own user's spend data; use the master key to view user '" + asked + "'.");
    }
    if (own != null) {
      args.addString(own);
      where.add("user_id = $" + args.size());
    } else {
      args.addString(caller.key().tokenHash());
      where.add("api_key = $" + args.size());
    }
  }

  private static LocalDate day(RoutingContext ctx, String name) {
    try {
      return LocalDate.parse(ctx.request().getParam(name));
    } catch (DateTimeParseException e) {
      throw GatewayError.badRequest(name, name + " must be a day: YYYY-MM-DD (e.g. 2026-01-31).");
    }
  }

  private static JsonObject answer(Iterable<Row> rows, int page, int pageSize, Entity entity) {
    Map<LocalDate, JsonObject> days = new TreeMap<>();
    JsonObject total = metrics();
    for (Row row : rows) {
      JsonObject day = days.computeIfAbsent(row.getLocalDate("day"), d -> new JsonObject().put("date", d.toString())
          .put("metrics", metrics()).put("breakdown", new JsonObject().put("mcp_servers", new JsonObject())
              .put("models", new JsonObject()).put("model_groups", new JsonObject()).put("providers", new JsonObject())
              .put("endpoints", new JsonObject()).put("api_keys", new JsonObject()).put("entities", new JsonObject())));
      add(total, row);
      add(day.getJsonObject("metrics"), row);
      JsonObject breakdown = day.getJsonObject("breakdown");
      String apiKey = String.valueOf(row.getString("api_key"));
      JsonObject keyMetadata = new JsonObject().put("key_alias", row.getString("key_alias"))
          .put("team_id", row.getString("team_id"));
      add(entry(breakdown.getJsonObject("api_keys"), apiKey, keyMetadata, false), row);
      JsonObject model = entry(breakdown.getJsonObject("models"), String.valueOf(row.getString("model")), new JsonObject(), true);
      add(model, row);
      add(entry(model.getJsonObject("api_key_breakdown"), apiKey, keyMetadata, false), row);
      add(entry(breakdown.getJsonObject("model_groups"), String.valueOf(row.getString("model_group")), new JsonObject(), true), row);
      add(entry(breakdown.getJsonObject("providers"), String.valueOf(row.getString("provider")), new JsonObject(), true), row);
      if (entity != Entity.USER) {
        boolean team = entity == Entity.TEAM;
        JsonObject named = entry(breakdown.getJsonObject("entities"), String.valueOf(row.getString(team ? "team_id" : "entity")),
            team ? new JsonObject().put("team_alias", row.getString("team_alias"))
                : new JsonObject().put("alias", row.getString("entity_alias")), true);
        add(named, row);
        add(entry(named.getJsonObject("api_key_breakdown"), apiKey, keyMetadata, false), row);
      }
    }
    List<JsonObject> all = new ArrayList<>(days.values());
    int totalPages = Math.max(1, (all.size() + pageSize - 1) / pageSize);
    int from = Math.min(all.size(), (page - 1) * pageSize);
    JsonObject metadata = new JsonObject();
    total.forEach(metric -> metadata.put(metric.getKey().startsWith("total_") ? metric.getKey() : "total_" + metric.getKey(),
        metric.getValue()));
    metadata.put("page", page).put("total_pages", totalPages).put("has_more", page < totalPages);
    return new JsonObject().put("results", new JsonArray(new ArrayList<>(all.subList(from, Math.min(all.size(), from + pageSize)))))
        .put("metadata", metadata);
  }

  /** LiteLLM's SpendMetrics, zeroed; its keys named without the {@code total_} its totals carry. */
  private static JsonObject metrics() {
    return new JsonObject().put("spend", 0.0).put("prompt_tokens", 0L).put("completion_tokens", 0L)
        .put("cache_read_input_tokens", 0L).put("cache_creation_input_tokens", 0L).put("total_tokens", 0L)
        .put("successful_requests", 0L).put("failed_requests", 0L).put("api_requests", 0L);
  }

  private static JsonObject entry(JsonObject dimension, String name, JsonObject metadata, boolean withKeys) {
    JsonObject entry = dimension.getJsonObject(name);
    if (entry == null) {
      entry = new JsonObject().put("metrics", metrics()).put("metadata", metadata);
      if (withKeys) {
        entry.put("api_key_breakdown", new JsonObject());
      }
      dimension.put(name, entry);
    }
    return entry;
  }

  /** Adds the row's numbers to {@code target}, a metrics object or an entry holding one. */
  private static void add(JsonObject target, Row row) {
    JsonObject m = target.containsKey("metrics") ? target.getJsonObject("metrics") : target;
    long prompt = row.getLong("prompt");
    long completion = row.getLong("completion");
    long requests = row.getLong("requests");
    long ok = row.getLong("ok");
    m.put("spend", m.getDouble("spend") + row.getDouble("spend"))
        .put("prompt_tokens", m.getLong("prompt_tokens") + prompt)
        .put("completion_tokens", m.getLong("completion_tokens") + completion)
        .put("cache_read_input_tokens", m.getLong("cache_read_input_tokens") + row.getLong("cached"))
        .put("total_tokens", m.getLong("total_tokens") + prompt + completion)
        .put("successful_requests", m.getLong("successful_requests") + ok)
        .put("failed_requests", m.getLong("failed_requests") + requests - ok)
        .put("api_requests", m.getLong("api_requests") + requests);
  }
}
