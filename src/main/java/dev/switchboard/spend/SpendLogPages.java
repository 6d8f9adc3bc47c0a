package dev.switchboard.spend;

import dev.switchboard.admin.AdminRoute;
import dev.switchboard.errors.GatewayError;
import dev.switchboard.model.KeySecrets;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /spend/logs/v2} (and {@code /spend/logs/ui}): LiteLLM's paginated spend rows,
 * {@code {data, total, page, page_size, total_pages}}, between a required {@code start_date} and
 * {@code end_date} ({@code YYYY-MM-DD HH:MM:SS}, UTC), with its filters and sorting.
 */
final class SpendLogPages {

  private static final int MAX_PAGE_SIZE = 1000;
  private static final Map<String, String> SORTS = Map.of("startTime", "start_time", "endTime", "end_time",
      "spend", "spend", "total_tokens", "total_tokens", "prompt_tokens", "prompt_tokens",
      "completion_tokens", "completion_tokens", "request_duration_ms", "request_duration_ms", "model", "model");

  private final Pool pool;

  SpendLogPages(Pool pool) {
    this.pool = pool;
  }

  void mount(Router router) {
    router.get("/spend/logs/v2").handler(AdminRoute.json(this::page));
    router.get("/spend/logs/ui").handler(AdminRoute.json(this::page));
  }

  private Future<JsonObject> page(RoutingContext ctx) {
    ReportParams.requireRange(ctx);
    Tuple args = Tuple.tuple().addOffsetDateTime(time(ctx, "start_date", false)).addOffsetDateTime(time(ctx, "end_date", true));
    List<String> where = new ArrayList<>(List.of("start_time >= $1", "start_time <= $2"));
    String key = ctx.request().getParam("api_key");
    if (key != null && !key.isBlank()) {
      args.addString(key.startsWith("sk-") ? KeySecrets.hash(key) : key);
      where.add("api_key = $" + args.size());
    }
    ReportParams.equal(ctx, "user_id", "user_id", args, where);
    ReportParams.equal(ctx, "team_id", "team_id", args, where);
    ReportParams.equal(ctx, "request_id", "request_id", args, where);
    ReportParams.equal(ctx, "model", "model", args, where);
    ReportParams.equal(ctx, "end_user", "end_user", args, where);
    String alias = ctx.request().getParam("key_alias");
    if (alias != null && !alias.isBlank()) {
      args.addString(alias);
      where.add("strpos(key_alias, $" + args.size() + ") > 0");
    }
    bound(ctx, "min_spend", "spend >= $", args, where);
    bound(ctx, "max_spend", "spend <= $", args, where);
    String status = ctx.request().getParam("status_filter");
    if (status != null && !status.isBlank()) {
      switch (status) {
        case "success" -> where.add("status < 400");
        case "failure" -> where.add("status >= 400");
        default -> throw GatewayError.badRequest("status_filter", "status_filter must be success or failure.");
      }
    }
    String sort = SORTS.get(ctx.request().getParam("sort_by", "startTime"));
    if (sort == null) {
      throw GatewayError.badRequest("sort_by", "sort_by must be one of " + String.join(", ", SORTS.keySet()) + ".");
    }
    String order = ctx.request().getParam("sort_order", "desc");
    if (!order.equalsIgnoreCase("asc") && !order.equalsIgnoreCase("desc")) {
      throw GatewayError.badRequest("sort_order", "sort_order must be asc or desc.");
    }
    int page = ReportParams.positive(ctx, "page", 1);
    int size = Math.min(MAX_PAGE_SIZE, ReportParams.positive(ctx, "page_size", 50));
    String filter = ReportParams.where(where);
    Future<Long> total = pool.preparedQuery("SELECT count(*) FROM spend_logs" + filter).execute(args)
        .map(rows -> rows.iterator().next().getLong(0));
    String sql = "SELECT * FROM spend_logs" + filter + " ORDER BY " + sort + " " + order + " NULLS LAST, request_id"
        + " LIMIT " + size + " OFFSET " + (long) (page - 1) * size;
    return total.compose(count -> pool.preparedQuery(sql).execute(args).map(rows -> {
      JsonArray data = new JsonArray();
      rows.forEach(row -> data.add(SpendRoutes.logRow(row)));
      return new JsonObject().put("data", data).put("total", count).put("page", page).put("page_size", size)
          .put("total_pages", (count + size - 1) / size);
    }));
  }

  private static void bound(RoutingContext ctx, String param, String condition, Tuple args, List<String> where) {
    String value = ctx.request().getParam(param);
    if (value == null || value.isBlank()) {
      return;
    }
    try {
      args.addDouble(Double.parseDouble(value));
    } catch (NumberFormatException e) {
      throw GatewayError.badRequest(param, param + " must be a number.");
    }
    where.add(condition + args.size());
  }

  /** LiteLLM's {@code YYYY-MM-DD HH:MM:SS} (UTC); a day or an ISO time are taken too (a day as an end is the whole day). */
  private static OffsetDateTime time(RoutingContext ctx, String param, boolean end) {
    String text = ctx.request().getParam(param).trim();
    if (text.length() == 19 && text.charAt(10) == ' ') {
      try {
        return LocalDateTime.parse(text.replace(' ', 'T')).atOffset(ZoneOffset.UTC);
      } catch (DateTimeParseException e) {
        throw GatewayError.badRequest(param, param + " must be YYYY-MM-DD HH:MM:SS (UTC), e.g. 2026-01-31 23:59:59.");
      }
    }
    OffsetDateTime parsed = ReportParams.instant(text, param, end);
    return end && text.length() == 10 ? parsed.minusNanos(1000) : parsed;
  }
}
