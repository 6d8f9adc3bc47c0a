package dev.switchboard.spend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.testing.GatewayExtension;
import dev.switchboard.testing.MockProvider;
import dev.switchboard.testing.TestDatabase;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The dashboard's series and latency reports over spend rows written at known instants: which bucket
 * each lands in for each range, the split by model, key and team, the percentiles, and who may ask.
 */
@ExtendWith(VertxExtension.class)
class ActivitySeriesTest {

  @RegisterExtension
  final GatewayExtension gw = GatewayExtension.manual();

  private static final String MASTER = "sk-master-series";
  /** The ranges end with the bucket holding this instant. */
  private static final String END = "2026-03-10T12:30:20Z";

  private String database;

  @BeforeEach
  void rows(Vertx vertx) throws Exception {
    database = TestDatabase.newDatabaseUrl();
    await(gw.start(new MockProvider(vertx), m -> """
        model_list:
          - model_name: chat
            litellm_params: {model: openai/gpt-4o-mini, api_base: "%1$s", api_key: sk-up}
        general_settings: {master_key: %2$s, database_url: "%3$s", proxy_batch_write_at: 0.05}
        """.formatted(m.apiBase(), MASTER, database)));
    assertEquals(200, admin("/team/new", new JsonObject().put("team_id", "team-a").put("team_alias", "Alpha")).statusCode());
    Pool pool = PgBuilder.pool().connectingTo(PgConnectOptions.fromUri(database)).using(vertx).build();
    List<Tuple> rows = new ArrayList<>();
    // Ten successful calls on one deployment, 12:30:xx, 100..1000 ms long, first tokens 10..100 ms.
    for (int i = 1; i <= 10; i++) {
      rows.add(row("a" + i, "2026-03-10T12:30:05Z", i * 100, (double) i * 10, 200, "chat", "dep-1", "alpha", "team-a", 0.01));
    }
    rows.add(row("fail", "2026-03-10T12:29:59Z", 5, null, 500, "chat", "dep-1", "alpha", "team-a", 0.0));
    rows.add(row("other", "2026-03-10T11:31:00Z", 2000, 300.0, 200, "big", "dep-2", null, null, 0.5));
    rows.add(row("yesterday", "2026-03-09T13:00:00Z", 100, null, 200, "big", "dep-2", null, null, 1.0));
    rows.add(row("old", "2026-02-01T00:00:00Z", 100, null, 200, "big", "dep-2", null, null, 7.0));
    rows.add(row("future", "2026-03-10T12:31:00Z", 100, null, 200, "big", "dep-2", null, null, 9.0));
    await(pool.preparedQuery("INSERT INTO spend_logs (request_id, start_time, end_time, ttft_ms, status, model_group, "
        + "model_id, model, provider, key_alias, key_name, team_id, spend, prompt_tokens, completion_tokens, total_tokens) "
        + "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'openai', $9, $10, $11, $12, 10, 5, 15)").executeBatch(rows)
        .eventually(pool::close));
  }

  private static Tuple row(String id, String start, long durationMs, Double ttft, int status, String group, String deployment,
      String alias, String team, double spend) {
    OffsetDateTime begin = OffsetDateTime.parse(start);
    return Tuple.tuple().addString(id).addOffsetDateTime(begin).addOffsetDateTime(begin.plusNanos(durationMs * 1_000_000))
        .addDouble(ttft).addInteger(status).addString(group).addString(deployment).addString("gpt-" + group)
        .addString(alias).addString(alias == null ? null : "sk-...abcd").addString(team).addDouble(spend);
  }

  @Test
  void the_last_hour_goes_by_minute_and_splits_by_key() throws Exception {
    JsonObject hour = series("range=hour&group_by=key");
    assertEquals("minute", hour.getString("bucket"));
    assertEquals("2026-03-10T11:31:00Z", hour.getString("start"));
    assertEquals("2026-03-10T12:31:00Z", hour.getString("end"));
    JsonArray buckets = hour.getJsonArray("buckets");
    assertEquals(60, buckets.size(), "every minute, the empty ones too");
    JsonObject last = buckets.getJsonObject(59);
    assertEquals("2026-03-10T12:30:00Z", last.getString("start"));
    assertEquals(10, last.getLong("requests"));
    assertEquals(0.1, last.getDouble("spend"), 1e-9);
    assertEquals(150, last.getLong("total_tokens"));
    assertEquals(1, buckets.getJsonObject(58).getLong("failed"), "12:29:59 is the minute before");
    assertEquals(1, buckets.getJsonObject(0).getLong("requests"), "11:31:00 opens the hour");
    assertEquals(0, buckets.getJsonObject(30).getLong("requests"));
    assertEquals(12, hour.getJsonObject("totals").getLong("requests"), "nothing after the range's end");
    assertEquals(10, last.getJsonObject("groups").getJsonObject("alpha").getLong("requests"));
    JsonArray groups = hour.getJsonArray("groups");
    assertEquals("no key", groups.getJsonObject(0).getString("name"), "costliest first: the $0.50 call without a key");
    assertEquals("alpha", groups.getJsonObject(1).getString("name"));
    assertFalse(hour.encode().contains("sk-"), "a key is named by its alias, never by its value or hash");
  }

  @Test
  void a_day_goes_by_hour_and_30_days_by_day_split_by_team_and_model() throws Exception {
    JsonObject day = series("range=day&group_by=team");
    assertEquals("hour", day.getString("bucket"));
    assertEquals(24, day.getJsonArray("buckets").size());
    assertEquals("2026-03-09T13:00:00Z", day.getJsonArray("buckets").getJsonObject(0).getString("start"));
    assertEquals(1, day.getJsonArray("buckets").getJsonObject(0).getLong("requests"), "yesterday 13:00 opens the day");
    assertEquals(12, day.getJsonArray("buckets").getJsonObject(23).getLong("requests"), "12:31 is in the range's last hour");
    assertEquals(1, day.getJsonArray("buckets").getJsonObject(22).getLong("requests"));
    assertEquals(11, day.getJsonArray("buckets").getJsonObject(23).getJsonObject("groups").getJsonObject("Alpha")
        .getLong("requests"), "a team goes by its alias");

    JsonObject month = series("range=month&group_by=model");
    assertEquals("day", month.getString("bucket"));
    assertEquals(30, month.getJsonArray("buckets").size());
    assertEquals("2026-02-09T00:00:00Z", month.getString("start"));
    JsonObject today = month.getJsonArray("buckets").getJsonObject(29);
    assertEquals(13, today.getLong("requests"));
    assertEquals(1, month.getJsonArray("buckets").getJsonObject(28).getLong("requests"));
    assertEquals(14, month.getJsonObject("totals").getLong("requests"), "1 Feb is before the 30 days");
    assertEquals(10.6, month.getJsonObject("totals").getDouble("spend"), 1e-9);
    assertEquals("big", month.getJsonArray("groups").getJsonObject(0).getString("name"));
    assertEquals(10.5, month.getJsonArray("groups").getJsonObject(0).getDouble("spend"), 1e-9);
    assertNull(series("range=month").getJsonArray("groups"), "no split asked, none given");
  }

  @Test
  void latency_percentiles_per_deployment_from_successful_calls() throws Exception {
    JsonObject latency = json(get("/global/spend/latency?range=hour&end=" + END, MASTER));
    JsonArray deployments = latency.getJsonArray("deployments");
    assertEquals(2, deployments.size(), deployments.encodePrettily());
    JsonObject one = find(deployments, "dep-1");
    assertEquals(10, one.getLong("requests"), "the failed call is left out");
    assertEquals(550.0, one.getDouble("latency_p50_ms"), 1e-6);
    assertEquals(955.0, one.getDouble("latency_p95_ms"), 1e-6);
    assertEquals(55.0, one.getDouble("ttft_p50_ms"), 1e-6);
    assertEquals(95.5, one.getDouble("ttft_p95_ms"), 1e-6);
    assertEquals("chat", one.getString("model_group"));
    assertEquals(2000.0, find(deployments, "dep-2").getDouble("latency_p50_ms"), 1e-6);
  }

  @Test
  void bad_parameters_and_callers_are_refused_in_openai_shape() throws Exception {
    HttpResponse<Buffer> range = get("/global/spend/timeseries?range=week", MASTER);
    assertEquals(400, range.statusCode());
    assertTrue(json(range).getJsonObject("error").getString("message").contains("range must be"), range.bodyAsString());
    HttpResponse<Buffer> group = get("/global/spend/timeseries?group_by=user", MASTER);
    assertEquals(400, group.statusCode());
    assertEquals(400, get("/global/spend/latency?end=yesterday", MASTER).statusCode());
    String key = json(admin("/key/generate", new JsonObject())).getString("key");
    assertEquals(403, get("/global/spend/timeseries", key).statusCode());
    assertEquals(403, get("/global/spend/latency", key).statusCode());
    assertEquals(401, await(gw.get("/global/spend/timeseries").send()).statusCode());
    // Without end or range: the last day, ending now.
    JsonObject now = json(get("/global/spend/timeseries", MASTER));
    assertEquals("day", now.getString("range"));
    assertEquals(24, now.getJsonArray("buckets").size());
  }

  private static JsonObject find(JsonArray deployments, String id) {
    for (int i = 0; i < deployments.size(); i++) {
      if (id.equals(deployments.getJsonObject(i).getString("model_id"))) {
        return deployments.getJsonObject(i);
      }
    }
    throw new AssertionError(id + " not in " + deployments.encode());
  }

  private JsonObject series(String query) throws Exception {
    HttpResponse<Buffer> response = get("/global/spend/timeseries?" + query + "&end=" + END, MASTER);
    assertEquals(200, response.statusCode(), response.bodyAsString());
    return response.bodyAsJsonObject();
  }

  private static JsonObject json(HttpResponse<Buffer> response) {
    return response.bodyAsJsonObject();
  }

  private HttpResponse<Buffer> admin(String path, JsonObject body) throws Exception {
    return await(gw.post(path).putHeader("Authorization", "Bearer " + MASTER).sendJsonObject(body));
  }

  private HttpResponse<Buffer> get(String pathAndQuery, String key) throws Exception {
    return await(gw.get(pathAndQuery).putHeader("Authorization", "Bearer " + key).send());
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}
