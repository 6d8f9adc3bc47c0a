package dev.switchboard.spend;

import dev.switchboard.admin.AdminRoute;
import dev.switchboard.errors.GatewayError;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The dashboard's series (master key; Switchboard's own, LiteLLM has no finer-than-a-day report):
 * {@code GET /global/spend/timeseries} buckets the spend logs by minute over the last hour, by hour
 * over the last day or by day over the last 30 days (UTC), every bucket present, optionally split
 * by model group, key or team; {@code GET /global/spend/latency} gives each deployment's p50/p95
 * duration and time to first token over the same ranges, from the spend logs' timings.
 */
final class ActivitySeries {

  /** A range: how long, in buckets of which unit, and Postgres' name for that unit. */
  enum Range {
    HOUR(60, ChronoUnit.MINUTES, "minute"), DAY(24, ChronoUnit.HOURS, "hour"), MONTH(30, ChronoUnit.DAYS, "day");

    final int buckets;
    final ChronoUnit unit;
    final String bucket;

    Range(int buckets, ChronoUnit unit, String bucket) {
      this.buckets = buckets;
      this.unit = unit;
      this.bucket = bucket;
    }
  }

  /** What a series may be split by, and the label each row gets (never a key's hash: its alias or masked name). */
  private static final Map<String, String> GROUPS = Map.of(
      "model", "coalesce(s.model_group, s.model, 'unknown')",
      "key", "coalesce(s.key_alias, s.key_name, 'no key')",
      "team", "coalesce(t.team_alias, s.team_id, 'no team')");

  private final Pool pool;
  private final Clock clock;

  ActivitySeries(Pool pool, Clock clock) {
    this.pool = pool;
    this.clock = clock;
  }

  void mount(Router router) {
    router.get("/global/spend/timeseries").handler(AdminRoute.json(this::series));
    router.get("/global/spend/latency").handler(AdminRoute.json(this::latency));
  }

  private Future<JsonObject> series(RoutingContext ctx) {
    Range range = range(ctx);
    String groupBy = ctx.request().getParam("group_by");
    String label = groupBy == null || groupBy.isBlank() ? null : GROUPS.get(groupBy);
    if (groupBy != null && !groupBy.isBlank() && label == null) {
      throw GatewayError.badRequest("group_by", "group_by must be one of model, key, team (or left out).");
    }
    Instant first = first(ctx, range);
    Instant end = first.plus(range.buckets, range.unit);
    String sql = "SELECT date_trunc('" + range.bucket + "', s.start_time AT TIME ZONE 'UTC') AS bucket, "
        + (label == null ? "NULL" : label) + " AS grp, count(*) AS requests, count(*) FILTER (WHERE s.status >= 400) AS failed, "
        + "sum(s.spend) AS spend, sum(s.prompt_tokens) AS prompt, sum(s.completion_tokens) AS completion "
        + "FROM spend_logs s LEFT JOIN teams t ON t.team_id = s.team_id "
        + "WHERE s.start_time >= $1 AND s.start_time < $2 GROUP BY 1, 2 ORDER BY 1";
    return pool.preparedQuery(sql).execute(Tuple.of(utc(first), utc(end)))
        .map(rows -> answer(rows, range, first, end, label == null ? null : groupBy));
  }

  private static JsonObject answer(Iterable<Row> rows, Range range, Instant first, Instant end, String groupBy) {
    List<JsonObject> buckets = new ArrayList<>();
    for (int i = 0; i < range.buckets; i++) {
      JsonObject bucket = metrics().put("start", first.plus(i, range.unit).toString());
      buckets.add(groupBy == null ? bucket : bucket.put("groups", new JsonObject()));
    }
    JsonObject totals = metrics();
    Map<String, JsonObject> groups = new LinkedHashMap<>();
    for (Row row : rows) {
      Instant start = row.getLocalDateTime("bucket").toInstant(ZoneOffset.UTC);
      int index = (int) range.unit.between(first, start);
      if (index < 0 || index >= buckets.size()) {
        continue;
      }
      JsonObject bucket = buckets.get(index);
      add(bucket, row);
      add(totals, row);
      if (groupBy != null) {
        String name = row.getString("grp");
        JsonObject inBucket = bucket.getJsonObject("groups");
        add(inBucket.containsKey(name) ? inBucket.getJsonObject(name) : put(inBucket, name), row);
        add(groups.computeIfAbsent(name, n -> metrics().put("name", n)), row);
      }
    }
    JsonObject answer = new JsonObject().put("range", range.name().toLowerCase()).put("bucket", range.bucket)
        .put("start", first.toString()).put("end", end.toString()).put("group_by", groupBy)
        .put("buckets", new JsonArray(new ArrayList<>(buckets))).put("totals", totals);
    if (groupBy != null) {
      List<JsonObject> ranked = new ArrayList<>(groups.values());
      ranked.sort(Comparator.comparingDouble((JsonObject g) -> g.getDouble("spend"))
          .thenComparingLong(g -> g.getLong("requests")).reversed());
      answer.put("groups", new JsonArray(new ArrayList<>(ranked)));
    }
    return answer;
  }

  private Future<JsonObject> latency(RoutingContext ctx) {
    Range range = range(ctx);
    Instant first = first(ctx, range);
    Instant end = first.plus(range.buckets, range.unit);
    // Successful calls only: a refusal's few milliseconds would pull the percentiles down.
    String duration = "extract(epoch FROM (s.end_time - s.start_time)) * 1000";
    String sql = "SELECT s.model_id, max(s.model_group) AS model_group, max(s.model) AS model, max(s.provider) AS provider, "
        + "count(*) AS requests, "
        + "percentile_cont(0.5) WITHIN GROUP (ORDER BY " + duration + ") AS p50, "
        + "percentile_cont(0.95) WITHIN GROUP (ORDER BY " + duration + ") AS p95, "
        + "percentile_cont(0.5) WITHIN GROUP (ORDER BY s.ttft_ms) AS ttft50, "
        + "percentile_cont(0.95) WITHIN GROUP (ORDER BY s.ttft_ms) AS ttft95 "
        + "FROM spend_logs s WHERE s.start_time >= $1 AND s.start_time < $2 AND s.status < 400 "
        + "AND s.model_id IS NOT NULL GROUP BY s.model_id ORDER BY 2, 1";
    return pool.preparedQuery(sql).execute(Tuple.of(utc(first), utc(end))).map(rows -> {
      JsonArray deployments = new JsonArray();
      for (Row row : rows) {
        deployments.add(new JsonObject().put("model_id", row.getString("model_id"))
            .put("model_group", row.getString("model_group")).put("model", row.getString("model"))
            .put("provider", row.getString("provider")).put("requests", row.getLong("requests"))
            .put("latency_p50_ms", row.getDouble("p50")).put("latency_p95_ms", row.getDouble("p95"))
            .put("ttft_p50_ms", row.getDouble("ttft50")).put("ttft_p95_ms", row.getDouble("ttft95")));
      }
      return new JsonObject().put("range", range.name().toLowerCase()).put("start", first.toString())
          .put("end", end.toString()).put("deployments", deployments);
    });
  }

  private static Range range(RoutingContext ctx) {
    String value = ctx.request().getParam("range");
    if (value == null || value.isBlank()) {
      return Range.DAY;
    }
    for (Range range : Range.values()) {
      if (range.name().equalsIgnoreCase(value)) {
        return range;
      }
    }
    throw GatewayError.badRequest("range", "range must be hour (by minute), day (by hour) or month (30 days by day).");
  }

  /** The first bucket's start: the range ends with the bucket holding {@code end} (default now). */
  private Instant first(RoutingContext ctx, Range range) {
    String value = ctx.request().getParam("end");
    Instant end;
    try {
      end = value == null || value.isBlank() ? clock.instant() : OffsetDateTime.parse(value).toInstant();
    } catch (DateTimeParseException e) {
      throw GatewayError.badRequest("end", "end must be an ISO-8601 instant, e.g. 2026-01-31T12:00:00Z.");
    }
    LocalDateTime last = LocalDateTime.ofInstant(end, ZoneOffset.UTC).truncatedTo(range.unit);
    return last.toInstant(ZoneOffset.UTC).minus(range.buckets - 1L, range.unit);
  }

  private static OffsetDateTime utc(Instant instant) {
    return instant.atOffset(ZoneOffset.UTC);
  }

  private static JsonObject metrics() {
    return new JsonObject().put("requests", 0L).put("failed", 0L).put("spend", 0.0).put("prompt_tokens", 0L)
        .put("completion_tokens", 0L).put("total_tokens", 0L);
  }

  private static JsonObject put(JsonObject groups, String name) {
    JsonObject metrics = metrics();
    groups.put(name, metrics);
    return metrics;
  }

  private static void add(JsonObject m, Row row) {
    long prompt = row.getLong("prompt");
    long completion = row.getLong("completion");
    m.put("requests", m.getLong("requests") + row.getLong("requests"))
        .put("failed", m.getLong("failed") + row.getLong("failed"))
        .put("spend", m.getDouble("spend") + row.getDouble("spend"))
        .put("prompt_tokens", m.getLong("prompt_tokens") + prompt)
        .put("completion_tokens", m.getLong("completion_tokens") + completion)
        .put("total_tokens", m.getLong("total_tokens") + prompt + completion);
  }
}
