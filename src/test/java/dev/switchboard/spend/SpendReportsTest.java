package dev.switchboard.spend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.model.KeySecrets;
import dev.switchboard.testing.Awaits;
import dev.switchboard.testing.GatewayExtension;
import dev.switchboard.testing.MockProvider;
import dev.switchboard.testing.Requests;
import dev.switchboard.testing.TestDatabase;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The spend rows and reports as LiteLLM's admin tools read them: two teams, two keys, two priced
 * models and one failing, then every report's numbers and shape, its date filters, and who may ask.
 */
@ExtendWith(VertxExtension.class)
class SpendReportsTest {

  @RegisterExtension
  final GatewayExtension gw = GatewayExtension.manual();

  private static final String MASTER = "sk-master-spendreports";
  /** chat: 10 prompt + 5 completion tokens at $1/M and $2/M. */
  private static final double CHAT = 10 * 1e-6 + 5 * 2e-6;
  /** big: the mock reports 100 + 50 tokens at $0.001 and $0.002 each. */
  private static final double BIG = 100 * 0.001 + 50 * 0.002;
  private static final String TODAY = LocalDate.now(ZoneOffset.UTC).toString();

  private String alpha;
  private String beta;
  private String apiBase;

  @BeforeEach
  void traffic(Vertx vertx) throws Exception {
    MockProvider mock = new MockProvider(vertx).reporting("gpt-4o", 100, 50)
        .on("broken", MockProvider.Behaviour.error(500, "{\"error\":{\"message\":\"boom\"}}", Map.of()));
    await(gw.start(mock, m -> {
      apiBase = m.apiBase();
      return """
          model_list:
            - model_name: chat
              litellm_params: {model: openai/gpt-4o-mini, api_base: "%1$s", api_key: sk-up}
              model_info: {input_cost_per_token: 0.000001, output_cost_per_token: 0.000002}
            - model_name: big
              litellm_params: {model: openai/gpt-4o, api_base: "%1$s", api_key: sk-up}
              model_info: {input_cost_per_token: 0.001, output_cost_per_token: 0.002}
            - model_name: broken
              litellm_params: {model: openai/broken, api_base: "%1$s", api_key: sk-up}
          general_settings: {master_key: %2$s, database_url: "%3$s", proxy_batch_write_at: 0.05}
          """.formatted(m.apiBase(), MASTER, TestDatabase.newDatabaseUrl());
    }));
    admin("/team/new", new JsonObject().put("team_id", "team-a").put("team_alias", "Alpha Team"));
    admin("/team/new", new JsonObject().put("team_id", "team-b").put("team_alias", "Beta Team"));
    admin("/user/new", new JsonObject().put("user_id", "u-a"));
    admin("/user/new", new JsonObject().put("user_id", "u-b"));
    alpha = admin("/key/generate", new JsonObject().put("team_id", "team-a").put("user_id", "u-a")
        .put("key_alias", "alpha")).getString("key");
    beta = admin("/key/generate", new JsonObject().put("team_id", "team-b").put("user_id", "u-b")
        .put("key_alias", "beta")).getString("key");
    assertEquals(200, chat(alpha, "chat", "cust-1", new JsonObject().put("tags", new JsonArray().add("t1"))
        .put("spend_logs_metadata", new JsonObject().put("job", "nightly")).put("trace", "abc")).statusCode());
    assertEquals(200, chat(alpha, "chat", "cust-1", new JsonObject().put("tags", new JsonArray().add("t1").add("t2")))
        .statusCode());
    assertEquals(200, chat(beta, "big", "cust-2", new JsonObject().put("tags", new JsonArray().add("t2"))).statusCode());
    assertEquals(500, chat(beta, "broken", "cust-2", null).statusCode());
    await(Awaits.until(vertx, () -> gw.gateway().accounting().writer().writtenRows() >= 4, 10_000));
  }

  @Test
  void spend_log_rows_carry_litellm_fields() throws Exception {
    JsonArray rows = get("/spend/logs?api_key=" + alpha, MASTER).bodyAsJsonArray();
    assertEquals(2, rows.size(), rows.encode());
    JsonObject first = rows.stream().map(JsonObject.class::cast)
        .filter(r -> r.getJsonObject("metadata").containsKey("spend_logs_metadata")
            && r.getJsonObject("metadata").getValue("spend_logs_metadata") != null)
        .findFirst().orElseThrow(() -> new AssertionError(rows.encode()));
    assertEquals(KeySecrets.hash(alpha), first.getString("api_key"), "LiteLLM's api_key is the key's hash");
    assertEquals("acompletion", first.getString("call_type"));
    assertEquals(apiBase, first.getString("api_base"));
    assertEquals("False", first.getString("cache_hit"), "a string, as LiteLLM's");
    assertEquals("Cache OFF", first.getString("cache_key"));
    assertEquals("127.0.0.1", first.getString("requester_ip_address"));
    assertEquals("cust-1", first.getString("end_user"));
    JsonObject metadata = first.getJsonObject("metadata");
    assertEquals(KeySecrets.hash(alpha), metadata.getString("user_api_key"));
    assertEquals("alpha", metadata.getString("user_api_key_alias"));
    assertEquals("team-a", metadata.getString("user_api_key_team_id"));
    assertEquals("u-a", metadata.getString("user_api_key_user_id"));
    assertEquals("success", metadata.getString("status"));
    assertEquals("127.0.0.1", metadata.getString("requester_ip_address"));
    assertEquals(new JsonObject().put("job", "nightly"), metadata.getJsonObject("spend_logs_metadata"));
    assertEquals("abc", metadata.getJsonObject("requester_metadata").getString("trace"));
    Instant start = Instant.parse(first.getString("startTime"));
    Instant end = Instant.parse(first.getString("endTime"));
    Instant completionStart = Instant.parse(first.getString("completionStartTime"));
    assertEquals(end, completionStart, "not a stream: LiteLLM's completionStartTime is its end");
    long duration = first.getLong("request_duration_ms");
    assertTrue(duration >= 0 && duration <= end.toEpochMilli() - start.toEpochMilli() + 1, first.encode());

    JsonObject failure = get("/spend/logs?api_key=" + beta, MASTER).bodyAsJsonArray().stream().map(JsonObject.class::cast)
        .filter(r -> "broken".equals(r.getString("model_group"))).findFirst().orElseThrow();
    assertEquals("failure", failure.getJsonObject("metadata").getString("status"));
    assertEquals("500", failure.getJsonObject("metadata").getJsonObject("error_information").getString("error_code"));
    assertNull(failure.getJsonObject("metadata").getValue("requester_metadata"), "the client sent no metadata");
  }

  @Test
  void spend_logs_over_dates_are_summarized_per_day_unless_told_not_to() throws Exception {
    String later = LocalDate.now(ZoneOffset.UTC).plusDays(2).toString();
    JsonArray days = get("/spend/logs?start_date=" + TODAY + "&end_date=" + later, MASTER).bodyAsJsonArray();
    assertEquals(3, days.size(), "today, then the days up to end_date at zero: " + days.encode());
    JsonObject today = days.getJsonObject(0);
    assertEquals(TODAY, today.getString("startTime"));
    assertEquals(2 * CHAT + BIG, today.getDouble("spend"), 1e-12);
    assertEquals(2 * CHAT, today.getDouble(KeySecrets.hash(alpha)), 1e-12);
    assertEquals(BIG, today.getJsonObject("users").getDouble("u-b"), 1e-12);
    assertEquals(2 * CHAT, today.getJsonObject("models").getDouble("gpt-4o-mini"), 1e-12);
    assertEquals(new JsonObject().put("startTime", later).put("spend", 0.0).put("users", new JsonObject())
        .put("models", new JsonObject()), days.getJsonObject(2));
    JsonArray rows = get("/spend/logs?summarize=false&start_date=" + TODAY + "&end_date=" + TODAY, MASTER).bodyAsJsonArray();
    assertEquals(4, rows.size(), rows.encode());
    assertNotNull(rows.getJsonObject(0).getString("request_id"));
  }

  @Test
  void spend_logs_v2_pages_filters_and_sorts_as_litellm() throws Exception {
    String range = "start_date=" + TODAY + "%2000:00:00&end_date=" + TODAY + "%2023:59:59";
    JsonObject first = get("/spend/logs/v2?page_size=3&" + range, MASTER).bodyAsJsonObject();
    assertEquals(4, first.getLong("total"), first.encode());
    assertEquals(2, first.getLong("total_pages"));
    assertEquals(3, first.getInteger("page_size"));
    assertEquals(3, first.getJsonArray("data").size());
    JsonObject second = get("/spend/logs/v2?page_size=3&page=2&" + range, MASTER).bodyAsJsonObject();
    assertEquals(1, second.getJsonArray("data").size());
    assertEquals(2, second.getInteger("page"));
    JsonArray failed = get("/spend/logs/v2?status_filter=failure&" + range, MASTER).bodyAsJsonObject().getJsonArray("data");
    assertEquals(1, failed.size());
    assertEquals("broken", failed.getJsonObject(0).getString("model_group"));
    JsonArray cheapest = get("/spend/logs/v2?sort_by=spend&sort_order=asc&" + range, MASTER).bodyAsJsonObject()
        .getJsonArray("data");
    assertEquals(0.0, cheapest.getJsonObject(0).getDouble("spend"));
    assertEquals(BIG, cheapest.getJsonObject(3).getDouble("spend"), 1e-12);
    assertEquals(2, get("/spend/logs/v2?key_alias=alp&" + range, MASTER).bodyAsJsonObject().getLong("total"));
    assertEquals(1, get("/spend/logs/v2?min_spend=0.1&" + range, MASTER).bodyAsJsonObject().getLong("total"));
    assertEquals(2, get("/spend/logs/v2?api_key=" + KeySecrets.hash(beta) + "&" + range, MASTER).bodyAsJsonObject()
        .getLong("total"));
    assertEquals(0, get("/spend/logs/v2?start_date=2001-01-01%2000:00:00&end_date=2001-01-01%2023:59:59", MASTER)
        .bodyAsJsonObject().getLong("total"));
    HttpResponse<Buffer> open = get("/spend/logs/v2?start_date=" + TODAY + "%2000:00:00", MASTER);
    assertEquals(400, open.statusCode());
    assertEquals("end_date", open.bodyAsJsonObject().getJsonObject("error").getString("param"));
    assertEquals(403, get("/spend/logs/v2?" + range, alpha).statusCode());
  }

  @Test
  void key_user_tag_and_top_n_reports_add_up() throws Exception {
    JsonArray keys = get("/spend/keys", MASTER).bodyAsJsonArray();
    assertEquals(KeySecrets.hash(beta), keys.getJsonObject(0).getString("token"), "costliest first: " + keys.encode());
    assertEquals("beta", keys.getJsonObject(0).getString("key_alias"));
    assertEquals(BIG, keys.getJsonObject(0).getDouble("spend"), 1e-12);
    assertEquals(2 * CHAT, keys.getJsonObject(1).getDouble("spend"), 1e-12);

    JsonArray users = get("/spend/users", MASTER).bodyAsJsonArray();
    assertEquals("u-b", users.getJsonObject(0).getString("user_id"));
    JsonArray one = get("/spend/users?user_id=u-a", MASTER).bodyAsJsonArray();
    assertEquals(1, one.size());
    assertEquals(2 * CHAT, one.getJsonObject(0).getDouble("spend"), 1e-12);

    JsonArray tags = get("/spend/tags", MASTER).bodyAsJsonArray();
    assertEquals("t2", tags.getJsonObject(0).getString("individual_request_tag"), tags.encode());
    assertEquals(2, tags.getJsonObject(0).getLong("log_count"));
    assertEquals(CHAT + BIG, tags.getJsonObject(0).getDouble("total_spend"), 1e-12);
    assertEquals("t1", tags.getJsonObject(1).getString("individual_request_tag"));
    assertEquals(2, tags.getJsonObject(1).getLong("log_count"));
    assertEquals(2 * CHAT, tags.getJsonObject(1).getDouble("total_spend"), 1e-12);
    assertEquals(0, get("/spend/tags?start_date=2001-01-01&end_date=2001-01-02", MASTER).bodyAsJsonArray().size());

    JsonArray topKeys = get("/global/spend/keys?limit=1", MASTER).bodyAsJsonArray();
    assertEquals(1, topKeys.size());
    assertEquals(new JsonObject().put("api_key", KeySecrets.hash(beta)).put("key_alias", "beta")
        .put("key_name", KeySecrets.displayName(beta)).put("total_spend", BIG), topKeys.getJsonObject(0));
    JsonArray models = get("/global/spend/models", MASTER).bodyAsJsonArray();
    assertEquals(new JsonObject().put("model", "gpt-4o").put("total_spend", BIG), models.getJsonObject(0));
    assertEquals("gpt-4o-mini", models.getJsonObject(1).getString("model"));

    JsonArray daily = get("/global/spend/logs", MASTER).bodyAsJsonArray();
    assertEquals(1, daily.size(), daily.encode());
    assertEquals(TODAY, daily.getJsonObject(0).getString("date"));
    assertEquals(2 * CHAT + BIG, daily.getJsonObject(0).getDouble("spend"), 1e-12);
    JsonObject alphaDaily = get("/global/spend/logs?api_key=" + alpha, MASTER).bodyAsJsonArray().getJsonObject(0);
    assertEquals(new JsonObject().put("date", TODAY).put("spend", 2 * CHAT).put("api_key", KeySecrets.hash(alpha)),
        alphaDaily);
    JsonArray endUsers = await(gw.post("/global/spend/end_users").putHeader("Authorization", "Bearer " + MASTER)
        .sendJsonObject(new JsonObject())).bodyAsJsonArray();
    assertEquals(new JsonObject().put("end_user", "cust-2").put("total_count", 2).put("total_spend", BIG),
        endUsers.getJsonObject(0));
    JsonArray alphaUsers = await(gw.post("/global/spend/end_users").putHeader("Authorization", "Bearer " + MASTER)
        .sendJsonObject(new JsonObject().put("api_key", alpha))).bodyAsJsonArray();
    assertEquals(1, alphaUsers.size(), alphaUsers.encode());
    assertEquals("cust-1", alphaUsers.getJsonObject(0).getString("end_user"));
    assertEquals(0, await(gw.post("/global/spend/end_users").putHeader("Authorization", "Bearer " + MASTER)
        .sendJsonObject(new JsonObject().put("startTime", "2001-01-01").put("endTime", "2001-01-31")))
        .bodyAsJsonArray().size());

    JsonObject teams = get("/global/spend/teams", MASTER).bodyAsJsonObject();
    assertTrue(teams.getJsonArray("teams").contains("Alpha Team") && teams.getJsonArray("teams").contains("Beta Team"),
        teams.encode());
    assertEquals(new JsonObject().put("team_id", "Beta Team").put("total_spend", 0.2),
        teams.getJsonArray("total_spend_per_team").getJsonObject(0));
    JsonObject day = teams.getJsonArray("daily_spend").getJsonObject(0);
    assertEquals(TODAY, day.getString("date"));
    assertEquals(0.2, day.getDouble("Beta Team"));
  }

  @Test
  void global_spend_report_groups_by_team_customer_and_key() throws Exception {
    String range = "start_date=" + TODAY + "&end_date=" + TODAY;
    JsonArray byTeam = get("/global/spend/report?" + range, MASTER).bodyAsJsonArray();
    assertEquals(1, byTeam.size(), byTeam.encode());
    assertEquals(TODAY, byTeam.getJsonObject(0).getString("group_by_day"));
    JsonObject alphaTeam = byTeam.getJsonObject(0).getJsonArray("teams").stream().map(JsonObject.class::cast)
        .filter(t -> "Alpha Team".equals(t.getString("team_name"))).findFirst().orElseThrow();
    assertEquals(2 * CHAT, alphaTeam.getDouble("total_spend"), 1e-12);
    JsonObject line = alphaTeam.getJsonArray("metadata").getJsonObject(0);
    assertEquals("gpt-4o-mini", line.getString("model"));
    assertEquals(KeySecrets.hash(alpha), line.getString("api_key"));
    assertEquals(30, line.getLong("total_tokens"));

    JsonArray byCustomer = get("/global/spend/report?group_by=customer&" + range, MASTER).bodyAsJsonArray();
    JsonObject cust2 = byCustomer.getJsonObject(0).getJsonArray("customers").stream().map(JsonObject.class::cast)
        .filter(c -> "cust-2".equals(c.getString("customer"))).findFirst().orElseThrow();
    assertEquals(BIG, cust2.getDouble("total_spend"), 1e-12);

    JsonArray byKey = get("/global/spend/report?group_by=api_key&" + range, MASTER).bodyAsJsonArray();
    JsonObject top = byKey.getJsonObject(0);
    assertEquals(KeySecrets.hash(beta), top.getString("api_key"));
    assertEquals(BIG, top.getDouble("total_cost"), 1e-12);
    assertEquals(100, top.getLong("total_input_tokens"), "the failed call counts no tokens: " + top);
    assertEquals(2, top.getJsonArray("model_details").size());
    JsonArray oneKey = get("/global/spend/report?api_key=" + alpha, MASTER).bodyAsJsonArray();
    assertEquals(1, oneKey.size());
    assertEquals(2 * CHAT, oneKey.getJsonObject(0).getDouble("total_cost"), 1e-12);

    assertEquals(0, get("/global/spend/report?start_date=2001-01-01&end_date=2001-01-02", MASTER).bodyAsJsonArray().size());
    HttpResponse<Buffer> bad = get("/global/spend/report?group_by=planet", MASTER);
    assertEquals(400, bad.statusCode());
    assertEquals("group_by", bad.bodyAsJsonObject().getJsonObject("error").getString("param"));
  }

  @Test
  void daily_activity_has_litellm_shape_and_a_key_sees_only_its_own() throws Exception {
    String range = "start_date=" + TODAY + "&end_date=" + TODAY;
    JsonObject all = get("/user/daily/activity?" + range, MASTER).bodyAsJsonObject();
    assertEquals(1, all.getJsonArray("results").size(), all.encode());
    JsonObject today = all.getJsonArray("results").getJsonObject(0);
    assertEquals(TODAY, today.getString("date"));
    JsonObject metrics = today.getJsonObject("metrics");
    assertEquals(4, metrics.getLong("api_requests"));
    assertEquals(3, metrics.getLong("successful_requests"));
    assertEquals(1, metrics.getLong("failed_requests"));
    assertEquals(2 * CHAT + BIG, metrics.getDouble("spend"), 1e-12);
    assertEquals(120, metrics.getLong("prompt_tokens"));
    assertEquals(60, metrics.getLong("completion_tokens"));
    assertEquals(180, metrics.getLong("total_tokens"));
    JsonObject breakdown = today.getJsonObject("breakdown");
    JsonObject mini = breakdown.getJsonObject("models").getJsonObject("gpt-4o-mini");
    assertEquals(2, mini.getJsonObject("metrics").getLong("api_requests"));
    assertNotNull(mini.getJsonObject("api_key_breakdown").getJsonObject(KeySecrets.hash(alpha)));
    assertEquals(new JsonObject().put("key_alias", "alpha").put("team_id", "team-a"),
        breakdown.getJsonObject("api_keys").getJsonObject(KeySecrets.hash(alpha)).getJsonObject("metadata"));
    assertEquals(3, breakdown.getJsonObject("model_groups").size(), "chat, big, broken");
    assertEquals(4, breakdown.getJsonObject("providers").getJsonObject("openai").getJsonObject("metrics")
        .getLong("api_requests"));
    JsonObject meta = all.getJsonObject("metadata");
    assertEquals(2 * CHAT + BIG, meta.getDouble("total_spend"), 1e-12);
    assertEquals(180, meta.getLong("total_tokens"));
    assertEquals(4, meta.getLong("total_api_requests"));
    assertEquals(1, meta.getLong("total_failed_requests"));
    assertEquals(1, meta.getInteger("page"));
    assertEquals(false, meta.getBoolean("has_more"));

    JsonObject byTeam = get("/team/daily/activity?team_ids=team-b&" + range, MASTER).bodyAsJsonObject();
    assertEquals(2, byTeam.getJsonObject("metadata").getLong("total_api_requests"), byTeam.encode());
    JsonObject teamB = byTeam.getJsonArray("results").getJsonObject(0).getJsonObject("breakdown").getJsonObject("entities")
        .getJsonObject("team-b");
    assertEquals("Beta Team", teamB.getJsonObject("metadata").getString("team_alias"));
    assertEquals(BIG, teamB.getJsonObject("metrics").getDouble("spend"), 1e-12);
    assertEquals(2, get("/team/daily/activity?exclude_team_ids=team-b&" + range, MASTER).bodyAsJsonObject()
        .getJsonObject("metadata").getLong("total_api_requests"));
    assertEquals(403, get("/team/daily/activity?" + range, alpha).statusCode(), "the master key's");

    JsonObject mine = get("/user/daily/activity?" + range, alpha).bodyAsJsonObject();
    assertEquals(2, mine.getJsonObject("metadata").getLong("total_api_requests"), "a key sees its user's: " + mine);
    assertEquals(2, get("/user/daily/activity?user_id=u-a&" + range, MASTER).bodyAsJsonObject()
        .getJsonObject("metadata").getLong("total_api_requests"));
    assertEquals(403, get("/user/daily/activity?user_id=u-b&" + range, alpha).statusCode());
    assertEquals(0, get("/user/daily/activity?start_date=2001-01-01&end_date=2001-01-31", MASTER).bodyAsJsonObject()
        .getJsonArray("results").size());
    HttpResponse<Buffer> open = get("/user/daily/activity?start_date=" + TODAY, MASTER);
    assertEquals(400, open.statusCode());
    assertEquals("end_date", open.bodyAsJsonObject().getJsonObject("error").getString("param"));
    for (String path : new String[] {"/spend/logs", "/spend/keys", "/spend/tags", "/global/spend/report",
        "/global/spend/keys", "/global/spend/models", "/global/spend/teams", "/global/spend/logs"}) {
      assertEquals(403, get(path, alpha).statusCode(), path + " is the master key's");
    }
  }

  private JsonObject admin(String path, JsonObject body) throws Exception {
    HttpResponse<Buffer> response = await(gw.post(path).putHeader("Authorization", "Bearer " + MASTER).sendJsonObject(body));
    assertEquals(200, response.statusCode(), path + ": " + response.bodyAsString());
    return response.bodyAsJsonObject();
  }

  private HttpResponse<Buffer> chat(String key, String model, String user, JsonObject metadata) throws Exception {
    JsonObject body = Requests.chat(model).build().put("user", user);
    if (metadata != null) {
      body.put("metadata", metadata);
    }
    return await(gw.post("/v1/chat/completions").putHeader("Authorization", "Bearer " + key).sendJsonObject(body));
  }

  private HttpResponse<Buffer> get(String pathAndQuery, String key) throws Exception {
    return await(gw.get(pathAndQuery).putHeader("Authorization", "Bearer " + key).send());
  }

  /** Blocks the test's own thread (never an event loop) until the step is done. */
  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}
