package dev.switchboard.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseItem;
import com.openai.models.responses.inputitems.InputItemListPage;
import dev.switchboard.testing.GatewayExtension;
import dev.switchboard.testing.MockProvider;
import dev.switchboard.testing.TestDatabase;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerResponse;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code store} and {@code previous_response_id} for translated models (an Anthropic deployment
 * here): the follow-up's upstream request really carries the earlier turns; the stored response is
 * read, listed and deleted in OpenAI's shapes, only by the key that created it, and not after its TTL.
 */
@ExtendWith(VertxExtension.class)
class ResponsesStoreTest {

  private static final String MASTER = "sk-responses-store-master";

  @RegisterExtension
  final GatewayExtension gw = GatewayExtension.manual();

  private String databaseUrl;

  private void start(Vertx vertx, String database, String extraSettings) {
    start(vertx, database, extraSettings, 0);
  }

  /** @param keptPort where an OpenAI-style provider that keeps responses listens ("gpt-kept"), or 0 */
  private void start(Vertx vertx, String database, String extraSettings, int keptPort) {
    databaseUrl = database;
    await(gw.start(new MockProvider(vertx), m -> """
        model_list:
          - model_name: gpt
            litellm_params: {model: openai/gpt-x, api_base: "%1$s", api_key: sk-up}
          - model_name: claude
            litellm_params: {model: anthropic/claude-sonnet-4-5, api_base: "http://127.0.0.1:%2$d", api_key: sk-ant}
          - model_name: gpt-kept
            litellm_params: {model: openai/gpt-k, api_base: "http://127.0.0.1:%6$d/v1", api_key: sk-kept}
        general_settings: {master_key: %3$s, database_url: "%4$s"%5$s}
        """.formatted(m.apiBase(), m.port(), MASTER, database, extraSettings, keptPort == 0 ? 9 : keptPort)));
  }

  private void start(Vertx vertx) {
    start(vertx, TestDatabase.newDatabaseUrl(), "");
  }

  /** Test threads may wait; event loops never do. */
  private static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private HttpResponse<Buffer> create(String key, JsonObject body) {
    return await(gw.post("/v1/responses").putHeader("Authorization", "Bearer " + key).sendJsonObject(body));
  }

  private JsonObject created(String key, JsonObject body) {
    HttpResponse<Buffer> response = create(key, body);
    assertEquals(200, response.statusCode(), response.bodyAsString());
    return response.bodyAsJsonObject();
  }

  private HttpResponse<Buffer> call(io.vertx.core.http.HttpMethod method, String path, String key) {
    return await(gw.request(method, path).putHeader("Authorization", "Bearer " + key).send());
  }

  private String newKey() {
    return await(gw.post("/key/generate").putHeader("Authorization", "Bearer " + MASTER)
        .sendJsonObject(new JsonObject())).bodyAsJsonObject().getString("key");
  }

  private static JsonObject ask(String model, String input) {
    return new JsonObject().put("model", model).put("input", input);
  }

  /** The upstream Anthropic request's messages as (role, text) pairs. */
  private static List<String> turns(JsonObject anthropicBody) {
    JsonArray messages = anthropicBody.getJsonArray("messages");
    return messages.stream().map(m -> {
      JsonObject message = (JsonObject) m;
      Object content = message.getValue("content");
      String text = content instanceof String s ? s : ((JsonArray) content).stream()
          .map(part -> ((JsonObject) part).getString("text", "")).reduce("", String::concat);
      return message.getString("role") + ": " + text;
    }).toList();
  }

  private static void notFound(HttpResponse<Buffer> response, String param) {
    assertEquals(404, response.statusCode(), response.bodyAsString());
    JsonObject error = response.bodyAsJsonObject().getJsonObject("error");
    assertEquals("invalid_request_error", error.getString("type"), error.encode());
    assertEquals(param, error.getString("param"), error.encode());
    assertFalse(response.bodyAsString().contains("key_hash"), "no hash named");
  }

  @Test
  void a_follow_up_carries_the_earlier_turns_upstream_chained(Vertx vertx) {
    start(vertx);
    JsonObject first = created(MASTER, ask("claude", "Say hello").put("instructions", "Be brief."));
    assertTrue(first.getBoolean("store"), first.encode());
    JsonObject second = created(MASTER, ask("claude", "And again?").put("previous_response_id", first.getString("id")));
    assertEquals(first.getString("id"), second.getString("previous_response_id"));
    JsonObject upstream = gw.mock().last().body();
    assertEquals(List.of("user: Say hello", "assistant: Hello from claude-sonnet-4-5", "user: And again?"), turns(upstream));
    assertNull(upstream.getValue("system"), "instructions are not carried over, as OpenAI's");
    created(MASTER, ask("claude", "Once more").put("previous_response_id", second.getString("id")));
    assertEquals(List.of("user: Say hello", "assistant: Hello from claude-sonnet-4-5", "user: And again?",
        "assistant: Hello from claude-sonnet-4-5", "user: Once more"), turns(gw.mock().last().body()));
  }

  @Test
  void a_stored_response_is_read_listed_and_deleted_in_openais_shapes(Vertx vertx) {
    start(vertx);
    JsonObject first = created(MASTER, ask("claude", "Say hello"));
    String id = created(MASTER, ask("claude", "And again?").put("previous_response_id", first.getString("id")))
        .getString("id");
    OpenAIClient openai = OpenAIOkHttpClient.builder().apiKey(MASTER)
        .baseUrl("http://127.0.0.1:" + gw.port() + "/v1").maxRetries(0).build();
    try {
      Response read = openai.responses().retrieve(id);
      assertEquals(id, read.id());
      assertEquals("Hello from claude-sonnet-4-5", read.output().get(0).message().orElseThrow().content().get(0)
          .outputText().orElseThrow().text());
      InputItemListPage items = openai.responses().inputItems().list(id);
      // Newest first (OpenAI's default order): this turn's question, the earlier answer, the first question.
      List<ResponseItem> data = items.data();
      assertEquals(3, data.size());
      assertEquals("And again?", data.get(0).asResponseInputMessageItem().content().get(0).asInputText().text());
      assertFalse(items.hasNextPage());
    } catch (RuntimeException | AssertionError e) {
      openai.close();
      throw e;
    }
    JsonObject page = call(io.vertx.core.http.HttpMethod.GET, "/responses/" + id + "/input_items?order=asc&limit=2",
        MASTER).bodyAsJsonObject();
    assertEquals("list", page.getString("object"));
    assertEquals(2, page.getJsonArray("data").size());
    assertTrue(page.getBoolean("has_more"));
    assertEquals(page.getJsonArray("data").getJsonObject(0).getString("id"), page.getString("first_id"));
    assertEquals(page.getJsonArray("data").getJsonObject(1).getString("id"), page.getString("last_id"));
    JsonObject rest = call(io.vertx.core.http.HttpMethod.GET, "/v1/responses/" + id + "/input_items?order=asc&after="
        + page.getString("last_id"), MASTER).bodyAsJsonObject();
    assertEquals(1, rest.getJsonArray("data").size());
    assertFalse(rest.getBoolean("has_more"));
    assertEquals(400, call(io.vertx.core.http.HttpMethod.GET, "/v1/responses/" + id + "/input_items?limit=0", MASTER)
        .statusCode());

    HttpResponse<Buffer> deleted = call(io.vertx.core.http.HttpMethod.DELETE, "/v1/responses/" + id, MASTER);
    assertEquals(200, deleted.statusCode(), deleted.bodyAsString());
    assertEquals(new JsonObject().put("id", id).put("object", "response").put("deleted", true), deleted.bodyAsJsonObject());
    notFound(call(io.vertx.core.http.HttpMethod.GET, "/responses/" + id, MASTER), null);
    notFound(call(io.vertx.core.http.HttpMethod.DELETE, "/responses/" + id, MASTER), null);
    notFound(create(MASTER, ask("claude", "More").put("previous_response_id", id)), "previous_response_id");
    // The earlier response is still there: deleting one does not delete its chain.
    assertEquals(200, call(io.vertx.core.http.HttpMethod.GET, "/v1/responses/" + first.getString("id"), MASTER).statusCode());
    try {
      openai.responses().delete(first.getString("id"));
    } finally {
      openai.close();
    }
    notFound(call(io.vertx.core.http.HttpMethod.GET, "/v1/responses/" + first.getString("id"), MASTER), null);
  }

  @Test
  void input_items_and_not_found_conform_to_openais_spec(Vertx vertx) {
    start(vertx);
    JsonObject first = created(MASTER, ask("claude", "Say hello"));
    // (The Response object and its output items are the translation's, as POST answered them; checked where built.)
    String items = call(io.vertx.core.http.HttpMethod.GET, "/v1/responses/" + first.getString("id") + "/input_items",
        MASTER).bodyAsString();
    assertEquals("", OpenAiSpec.problems("ResponseItemList", items), items);
    String id = created(MASTER, ask("claude", "And again?").put("previous_response_id", first.getString("id")))
        .getString("id");
    JsonArray chained = call(io.vertx.core.http.HttpMethod.GET, "/v1/responses/" + id + "/input_items?order=asc", MASTER)
        .bodyAsJsonObject().getJsonArray("data");
    JsonObject answer = chained.getJsonObject(1);
    assertEquals(first.getJsonArray("output").getJsonObject(0), answer, "the earlier answer listed as it was answered");
    String missing = call(io.vertx.core.http.HttpMethod.GET, "/v1/responses/resp_nope", MASTER).bodyAsString();
    assertEquals("", OpenAiSpec.problems("ErrorResponse", missing), missing);
  }

  @Test
  void another_key_sees_none_of_them(Vertx vertx) {
    start(vertx);
    String owner = newKey();
    String other = newKey();
    String id = created(owner, ask("claude", "Say hello")).getString("id");
    notFound(call(io.vertx.core.http.HttpMethod.GET, "/v1/responses/" + id, other), null);
    notFound(call(io.vertx.core.http.HttpMethod.GET, "/v1/responses/" + id + "/input_items", other), null);
    notFound(call(io.vertx.core.http.HttpMethod.DELETE, "/v1/responses/" + id, other), null);
    notFound(create(other, ask("claude", "And again?").put("previous_response_id", id)), "previous_response_id");
    notFound(call(io.vertx.core.http.HttpMethod.GET, "/v1/responses/" + id, MASTER), null);
    assertEquals(200, call(io.vertx.core.http.HttpMethod.GET, "/v1/responses/" + id, owner).statusCode());
    assertEquals(401, await(gw.get("/v1/responses/" + id).send()).statusCode());
  }

  @Test
  void an_expired_response_is_not_found_and_the_ttl_is_the_configured_one(Vertx vertx) {
    start(vertx, TestDatabase.newDatabaseUrl(), ", responses_store_ttl: 2h");
    String id = created(MASTER, ask("claude", "Say hello")).getString("id");
    Pool pool = PgBuilder.pool().connectingTo(databaseUrl).using(vertx).build();
    try {
      long ttl = await(pool.preparedQuery("SELECT EXTRACT(EPOCH FROM expires_at - created_at)::bigint FROM "
          + "stored_responses WHERE id = $1").execute(Tuple.of(id))).iterator().next().getLong(0);
      assertEquals(7200, ttl);
      await(pool.preparedQuery("UPDATE stored_responses SET expires_at = now() - interval '1 second' WHERE id = $1")
          .execute(Tuple.of(id)));
    } finally {
      pool.close();
    }
    notFound(call(io.vertx.core.http.HttpMethod.GET, "/v1/responses/" + id, MASTER), null);
    notFound(create(MASTER, ask("claude", "And again?").put("previous_response_id", id)), "previous_response_id");
  }

  @Test
  void a_streamed_response_is_stored_once_completed_and_can_be_followed_up(Vertx vertx) {
    start(vertx);
    HttpResponse<Buffer> streamed = create(MASTER, ask("claude", "Say hello").put("stream", true));
    assertEquals(200, streamed.statusCode(), streamed.bodyAsString());
    String completed = null;
    for (String block : streamed.bodyAsString().split("\n\n")) {
      if (block.startsWith("event: response.completed")) {
        completed = block.substring(block.indexOf("data: ") + 6);
      }
    }
    String id = new JsonObject(completed).getJsonObject("response").getString("id");
    JsonObject read = call(io.vertx.core.http.HttpMethod.GET, "/v1/responses/" + id, MASTER).bodyAsJsonObject();
    assertEquals(id, read.getString("id"));
    assertEquals("completed", read.getString("status"));
    assertTrue(read.getBoolean("store"));
    created(MASTER, ask("claude", "And again?").put("previous_response_id", id));
    // The mock streams "Hel" + "lo": the stored answer is what the client was streamed.
    assertEquals(List.of("user: Say hello", "assistant: Hello", "user: And again?"), turns(gw.mock().last().body()));

    // An OpenAI stream: only whose it is and where is recorded, once its response.completed came.
    assertEquals(200, create(MASTER, ask("gpt", "Say hello").put("stream", true)).statusCode());
    Pool pool = PgBuilder.pool().connectingTo(databaseUrl).using(vertx).build();
    try {
      io.vertx.sqlclient.Row row = await(pool.query("SELECT key_hash, deployment_id, input_items FROM stored_responses "
          + "WHERE id = 'resp_mock'").execute()).iterator().next();
      assertEquals("master", row.getString("key_hash"));
      assertTrue(row.getString("deployment_id") != null, "the deployment that keeps it");
      assertEquals(new JsonArray(), row.getValue("input_items"), "nothing of the conversation is kept here");
    } finally {
      pool.close();
    }
  }

  /** A translated stream's response.created and response.completed say what the request asked for store, as the answer does. */
  @Test
  void a_translated_streams_response_objects_carry_the_requests_store(Vertx vertx) {
    start(vertx);
    for (boolean store : List.of(true, false)) {
      JsonObject request = ask("claude", "Say hello").put("stream", true);
      if (!store) {
        request.put("store", false);
      }
      HttpResponse<Buffer> streamed = create(MASTER, request);
      assertEquals(200, streamed.statusCode(), streamed.bodyAsString());
      int seen = 0;
      for (String block : streamed.bodyAsString().split("\n\n")) {
        if (block.startsWith("event: response.created") || block.startsWith("event: response.completed")) {
          JsonObject response = new JsonObject(block.substring(block.indexOf("data: ") + 6)).getJsonObject("response");
          assertEquals(store, response.getBoolean("store"), block);
          seen++;
        }
      }
      assertEquals(2, seen, streamed.bodyAsString());
      assertEquals(store, created(MASTER, ask("claude", "Say hello").put("store", store)).getBoolean("store"), "non-streamed");
    }
  }

  @Test
  void store_false_keeps_nothing_and_an_id_the_gateway_does_not_know_goes_to_openai_as_sent(Vertx vertx) {
    start(vertx);
    JsonObject unstored = created(MASTER, ask("claude", "Say hello").put("store", false));
    notFound(call(io.vertx.core.http.HttpMethod.GET, "/v1/responses/" + unstored.getString("id"), MASTER), null);
    notFound(create(MASTER, ask("claude", "And again?").put("previous_response_id", unstored.getString("id"))),
        "previous_response_id");
    created(MASTER, ask("gpt", "And again?").put("previous_response_id", "resp_at_openai"));
    assertEquals("resp_at_openai", gw.mock().last().body().getString("previous_response_id"));
    assertEquals("And again?", gw.mock().last().body().getString("input"));
  }

  @Test
  void a_stored_turn_followed_up_on_an_openai_model_is_sent_whole(Vertx vertx) {
    start(vertx);
    String id = created(MASTER, ask("claude", "Say hello")).getString("id");
    created(MASTER, ask("gpt", "And again?").put("previous_response_id", id));
    JsonObject upstream = gw.mock().last().body();
    assertEquals("/v1/responses", gw.mock().last().uri());
    assertNull(upstream.getValue("previous_response_id"), "OpenAI does not know the gateway's id");
    JsonArray input = upstream.getJsonArray("input");
    assertEquals(3, input.size(), input.encode());
    assertEquals("assistant", input.getJsonObject(1).getString("role"));
    assertFalse(input.getJsonObject(1).containsKey("id"), "the gateway's item ids stay here");
    assertEquals("Hello from claude-sonnet-4-5", input.getJsonObject(1).getString("content"),
        "an earlier answer as a plain assistant message");
  }

  /** An OpenAI-style provider that keeps its responses: create, read, list input items, delete. */
  private static HttpServer keepingProvider(Vertx vertx, List<String> seen) {
    AtomicInteger next = new AtomicInteger();
    Set<String> kept = ConcurrentHashMap.newKeySet();
    return await(vertx.createHttpServer().requestHandler(request -> request.body().onSuccess(body -> {
      seen.add(request.method() + " " + request.uri() + " " + request.getHeader("Authorization"));
      String path = request.path();
      HttpServerResponse response = request.response().putHeader("content-type", "application/json");
      if (request.method() == io.vertx.core.http.HttpMethod.POST && path.equals("/v1/responses")) {
        String id = "resp_prov_" + next.incrementAndGet();
        kept.add(id);
        response.end(new JsonObject().put("id", id).put("object", "response").put("status", "completed")
            .put("output", new JsonArray()).put("usage", new JsonObject().put("input_tokens", 1)
                .put("output_tokens", 1).put("total_tokens", 2)).encode());
        return;
      }
      String[] parts = path.split("/"); // "", v1, responses, id[, input_items]
      String id = parts.length > 3 ? parts[3] : "";
      if (!kept.contains(id)) {
        response.setStatusCode(404).end("{\"error\":{\"message\":\"not found\",\"type\":\"invalid_request_error\"}}");
      } else if (request.method() == io.vertx.core.http.HttpMethod.DELETE) {
        kept.remove(id);
        response.end(new JsonObject().put("id", id).put("object", "response").put("deleted", true).encode());
      } else if (parts.length > 4) {
        response.end(new JsonObject().put("object", "list").put("data", new JsonArray()).put("has_more", false).encode());
      } else {
        response.end(new JsonObject().put("id", id).put("object", "response").put("kept_by", "provider").encode());
      }
    })).listen(0, "127.0.0.1"));
  }

  @Test
  void an_openai_deployments_response_is_read_and_deleted_there_by_its_key_only(Vertx vertx) {
    List<String> seen = new CopyOnWriteArrayList<>();
    HttpServer provider = keepingProvider(vertx, seen);
    start(vertx, TestDatabase.newDatabaseUrl(), "", provider.actualPort());
    String owner = newKey();
    String other = newKey();
    String id = created(owner, ask("gpt-kept", "Say hello")).getString("id");
    assertEquals("resp_prov_1", id);
    seen.clear();
    notFound(call(io.vertx.core.http.HttpMethod.GET, "/v1/responses/" + id, other), null);
    notFound(call(io.vertx.core.http.HttpMethod.DELETE, "/v1/responses/" + id, other), null);
    assertEquals(List.of(), seen, "another key's lookups never reach the provider");

    JsonObject read = call(io.vertx.core.http.HttpMethod.GET, "/v1/responses/" + id, owner).bodyAsJsonObject();
    assertEquals("provider", read.getString("kept_by"), read.encode());
    JsonObject items = call(io.vertx.core.http.HttpMethod.GET, "/responses/" + id + "/input_items?limit=5", owner)
        .bodyAsJsonObject();
    assertEquals("list", items.getString("object"), items.encode());
    HttpResponse<Buffer> deleted = call(io.vertx.core.http.HttpMethod.DELETE, "/v1/responses/" + id, owner);
    assertEquals(new JsonObject().put("id", id).put("object", "response").put("deleted", true), deleted.bodyAsJsonObject());
    assertEquals(List.of("GET /v1/responses/" + id + " Bearer sk-kept",
        "GET /v1/responses/" + id + "/input_items?limit=5 Bearer sk-kept",
        "DELETE /v1/responses/" + id + " Bearer sk-kept"), seen);
    notFound(call(io.vertx.core.http.HttpMethod.GET, "/v1/responses/" + id, owner), null);
    assertEquals(3, seen.size(), "a deleted response is not asked for again");
    // A follow-up on it goes to the provider as sent: it keeps the conversation.
    String second = created(owner, ask("gpt-kept", "Hi")).getString("id");
    created(owner, ask("gpt-kept", "And again?").put("previous_response_id", second));
    assertTrue(seen.get(seen.size() - 1).startsWith("POST /v1/responses"), seen.toString());
    await(provider.close());
  }

  @Test
  void without_a_database_store_is_ignored_and_previous_response_id_is_refused_naming_why(Vertx vertx) {
    start(vertx, "none", "");
    JsonObject answer = created(MASTER, ask("claude", "Say hello"));
    HttpResponse<Buffer> read = call(io.vertx.core.http.HttpMethod.GET, "/v1/responses/" + answer.getString("id"), MASTER);
    notFound(read, null);
    assertTrue(read.bodyAsString().contains("database_url: none"), read.bodyAsString());
    HttpResponse<Buffer> followUp = create(MASTER, ask("claude", "And again?")
        .put("previous_response_id", answer.getString("id")));
    assertEquals(400, followUp.statusCode(), followUp.bodyAsString());
    JsonObject error = followUp.bodyAsJsonObject().getJsonObject("error");
    assertEquals("previous_response_id", error.getString("param"));
    assertTrue(error.getString("message").contains("database_url: none"), error.encode());
  }
}
