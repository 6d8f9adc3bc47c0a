package dev.switchboard.ingress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.helpers.ChatCompletionAccumulator;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import dev.switchboard.testing.Awaits;
import dev.switchboard.testing.GatewayExtension;
import dev.switchboard.testing.Requests;
import dev.switchboard.testing.TestDatabase;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The response cache stage with a local store: hits and misses by every control, teams kept apart, replay, accounting. */
@ExtendWith(VertxExtension.class)
class ResponseCachingTest {

  private static final String MASTER = "sk-cache-master";

  private final String database = TestDatabase.newDatabaseUrl();

  @RegisterExtension
  final GatewayExtension gw = GatewayExtension.withConfig(m -> """
      model_list:
        - model_name: chat
          litellm_params: {model: openai/gpt-4o-mini, api_base: "%1$s", api_key: sk-up}
        - model_name: embed
          litellm_params: {model: openai/text-embedding-3-small, api_base: "%1$s", api_key: sk-up}
        - model_name: claude
          litellm_params: {model: anthropic/claude-sonnet-4-5, api_base: "http://127.0.0.1:%4$d", api_key: sk-ant}
      general_settings: {master_key: %2$s, database_url: "%3$s", proxy_batch_write_at: 0.05}
      litellm_settings:
        cache: true
        cache_params: {type: local, ttl: 600}
      """.formatted(m.apiBase(), MASTER, database, m.port()));

  private <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get();
  }

  private HttpResponse<Buffer> post(String path, String key, JsonObject body) throws Exception {
    return await(gw.post(path).putHeader("Authorization", "Bearer " + key).sendJsonObject(body));
  }

  private JsonObject admin(String path, JsonObject body) throws Exception {
    HttpResponse<Buffer> answer = post(path, MASTER, body);
    assertEquals(200, answer.statusCode(), answer.bodyAsString());
    return answer.bodyAsJsonObject();
  }

  private static JsonObject ask(String text) {
    return Requests.chat("chat").user(text).build();
  }

  private int calls() {
    return gw.mock().received().size();
  }

  @Test
  void the_second_identical_request_is_answered_from_the_cache_and_the_provider_never_sees_the_controls() throws Exception {
    HttpResponse<Buffer> first = post("/v1/chat/completions", MASTER, ask("hello").put("cache", new JsonObject().put("ttl", 60)));
    assertEquals(200, first.statusCode(), first.bodyAsString());
    assertFalse(gw.mock().last().body().containsKey("cache"), "the cache controls are the gateway's, never the provider's");
    String key = first.getHeader("x-litellm-cache-key");
    assertNotNull(key);
    HttpResponse<Buffer> second = post("/v1/chat/completions", MASTER, ask("hello").put("user", "someone-else"));
    assertEquals(200, second.statusCode());
    assertEquals(1, calls(), "a hit never reaches the provider");
    assertEquals(key, second.getHeader("x-litellm-cache-key"));
    assertEquals(first.bodyAsJsonObject(), second.bodyAsJsonObject());
    assertEquals(0.0, Double.parseDouble(second.getHeader("x-litellm-response-cost")));
    post("/v1/chat/completions", MASTER, ask("hello").put("temperature", 0.2));
    assertEquals(2, calls(), "another temperature is another answer");
  }

  @Test
  void no_cache_no_store_and_namespace_each_miss_as_litellm_documents() throws Exception {
    post("/v1/chat/completions", MASTER, ask("q"));
    post("/v1/chat/completions", MASTER, ask("q").put("cache", new JsonObject().put("no-cache", true)));
    assertEquals(2, calls(), "no-cache asks the provider again");
    post("/v1/chat/completions", MASTER, ask("q"));
    assertEquals(2, calls(), "and its fresh answer was stored");

    post("/v1/chat/completions", MASTER, ask("r").put("cache", new JsonObject().put("no-store", true)));
    post("/v1/chat/completions", MASTER, ask("r"));
    assertEquals(4, calls(), "no-store kept nothing");

    HttpResponse<Buffer> spaced = post("/v1/chat/completions", MASTER, ask("q").put("cache", new JsonObject().put("namespace", "ns1")));
    assertEquals(5, calls(), "another namespace, another entry");
    assertTrue(spaced.getHeader("x-litellm-cache-key").startsWith("ns1:"), spaced.getHeader("x-litellm-cache-key"));
    HttpResponse<Buffer> bad = post("/v1/chat/completions", MASTER, ask("q").put("cache", new JsonObject().put("ttl", "long")));
    assertEquals(400, bad.statusCode());
    assertEquals("cache.ttl", bad.bodyAsJsonObject().getJsonObject("error").getString("param"));
  }

  @Test
  void teams_never_read_each_others_answers_and_a_keys_metadata_can_turn_caching_off() throws Exception {
    admin("/team/new", new JsonObject().put("team_id", "team-a"));
    admin("/team/new", new JsonObject().put("team_id", "team-b"));
    String a1 = admin("/key/generate", new JsonObject().put("team_id", "team-a")).getString("key");
    String a2 = admin("/key/generate", new JsonObject().put("team_id", "team-a")).getString("key");
    String b1 = admin("/key/generate", new JsonObject().put("team_id", "team-b")).getString("key");
    String off = admin("/key/generate", new JsonObject().put("team_id", "team-a")
        .put("metadata", new JsonObject().put("cache", new JsonObject().put("no-cache", true)))).getString("key");
    HttpResponse<Buffer> first = post("/v1/chat/completions", a1, ask("secret plans"));
    assertEquals(200, first.statusCode(), first.bodyAsString());
    post("/v1/chat/completions", a2, ask("secret plans"));
    assertEquals(1, calls(), "the same team shares its answers");
    HttpResponse<Buffer> other = post("/v1/chat/completions", b1, ask("secret plans"));
    assertEquals(2, calls(), "another team does not read them");
    assertNotEquals(first.getHeader("x-litellm-cache-key"), other.getHeader("x-litellm-cache-key"));
    post("/v1/chat/completions", off, ask("secret plans"));
    assertEquals(3, calls(), "a key with metadata.cache.no-cache never reads the cache");
  }

  @Test
  void a_cached_answer_asked_as_a_stream_is_replayed_through_the_sdk() throws Exception {
    post("/v1/chat/completions", MASTER, ask("stream me"));
    assertEquals(1, calls());
    OpenAIClient openai = OpenAIOkHttpClient.builder().apiKey(MASTER).baseUrl("http://127.0.0.1:" + gw.port() + "/v1")
        .maxRetries(0).build();
    ChatCompletionAccumulator accumulator = ChatCompletionAccumulator.create();
    try (StreamResponse<ChatCompletionChunk> stream = openai.chat().completions().createStreaming(
        ChatCompletionCreateParams.builder().model("chat").addUserMessage("stream me")
            .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build())) {
      stream.stream().forEach(accumulator::accumulate);
    } finally {
      openai.close();
    }
    ChatCompletion completion = accumulator.chatCompletion();
    assertEquals("Hello from gpt-4o-mini", completion.choices().get(0).message().content().orElseThrow());
    assertEquals(ChatCompletion.Choice.FinishReason.STOP, completion.choices().get(0).finishReason());
    assertEquals(15, completion.usage().orElseThrow().totalTokens());
    assertEquals(1, calls(), "replayed from the cache");
    HttpResponse<Buffer> raw = post("/v1/chat/completions", MASTER, ask("stream me").put("stream", true));
    assertTrue(raw.bodyAsString().endsWith("data: [DONE]\n\n"), raw.bodyAsString());
  }

  @Test
  void messages_and_completions_replay_as_their_own_streams() throws Exception {
    JsonObject message = Requests.messages("claude").user("hi claude").build().put("max_tokens", 64);
    assertEquals(200, post("/v1/messages", MASTER, message).statusCode());
    HttpResponse<Buffer> replay = post("/v1/messages", MASTER, message.copy().put("stream", true));
    assertEquals(1, calls());
    StringBuilder text = new StringBuilder();
    java.util.List<String> types = new java.util.ArrayList<>();
    for (String line : replay.bodyAsString().split("\n")) {
      if (line.startsWith("data: ")) {
        JsonObject event = new JsonObject(line.substring(6));
        types.add(event.getString("type"));
        if ("content_block_delta".equals(event.getString("type"))) {
          text.append(event.getJsonObject("delta").getString("text"));
        }
      }
    }
    assertEquals("message_start", types.get(0));
    assertEquals("message_stop", types.get(types.size() - 1));
    assertEquals("Hello from claude-sonnet-4-5", text.toString());

    JsonObject prompt = new JsonObject().put("model", "chat").put("prompt", "once upon");
    post("/v1/completions", MASTER, prompt);
    String streamed = post("/v1/completions", MASTER, prompt.copy().put("stream", true)).bodyAsString();
    assertEquals(2, calls());
    assertTrue(streamed.contains("\"text\":\"completed by gpt-4o-mini\""), streamed);
    assertTrue(streamed.endsWith("data: [DONE]\n\n"));
  }

  @Test
  void responses_are_cached_only_when_not_stored_server_side() throws Exception {
    JsonObject unstored = new JsonObject().put("model", "chat").put("input", "tell me").put("store", false);
    assertEquals(200, post("/v1/responses", MASTER, unstored).statusCode());
    assertEquals(200, post("/v1/responses", MASTER, unstored).statusCode());
    assertEquals(1, calls(), "store: false answers are cached");
    JsonObject stored = unstored.copy().put("store", true);
    post("/v1/responses", MASTER, stored);
    post("/v1/responses", MASTER, stored);
    assertEquals(3, calls(), "a stored answer has its own id: never served twice");
  }

  @Test
  void embeddings_are_cached_item_by_item() throws Exception {
    HttpResponse<Buffer> first = post("/v1/embeddings", MASTER, Requests.embeddings("embed", "a", "bb"));
    assertEquals(200, first.statusCode(), first.bodyAsString());
    HttpResponse<Buffer> second = post("/v1/embeddings", MASTER, Requests.embeddings("embed", "bb", "ccc"));
    assertEquals(2, calls());
    assertEquals(new JsonArray().add("ccc"), gw.mock().last().body().getJsonArray("input"), "only the new string is sent");
    JsonArray data = second.bodyAsJsonObject().getJsonArray("data");
    assertEquals(2, data.size());
    assertEquals(0, data.getJsonObject(0).getInteger("index"));
    assertEquals(1, data.getJsonObject(1).getInteger("index"));
    assertEquals(2, data.getJsonObject(0).getJsonArray("embedding").getInteger(0), "'bb' from the cache, first");
    assertEquals(3, data.getJsonObject(1).getJsonArray("embedding").getInteger(0), "'ccc' from the provider, second");
    HttpResponse<Buffer> third = post("/v1/embeddings", MASTER, Requests.embeddings("embed", "ccc", "a"));
    assertEquals(2, calls(), "every string cached: no provider call");
    assertEquals(1, third.bodyAsJsonObject().getJsonArray("data").getJsonObject(1).getJsonArray("embedding").getInteger(0));
  }

  @Test
  void a_hit_is_a_spend_row_with_cache_hit_and_the_metrics_count_it() throws Exception {
    post("/v1/chat/completions", MASTER, ask("bill me once"));
    HttpResponse<Buffer> hit = post("/v1/chat/completions", MASTER, ask("bill me once"));
    String requestId = hit.getHeader("x-litellm-call-id");
    await(Awaits.until(gw.vertx(), () -> gw.gateway().accounting().writer().writtenRows() >= 2, 10_000));
    JsonArray rows = await(gw.get("/spend/logs").addQueryParam("request_id", requestId)
        .putHeader("Authorization", "Bearer " + MASTER).send()).bodyAsJsonArray();
    assertEquals(1, rows.size(), rows.encode());
    JsonObject row = rows.getJsonObject(0);
    assertEquals("True", row.getString("cache_hit"));
    assertEquals(hit.getHeader("x-litellm-cache-key"), row.getString("cache_key"));
    assertEquals(0.0, row.getDouble("spend"));
    String metrics = await(gw.get("/metrics").send()).bodyAsString();
    assertTrue(metrics.contains("litellm_cache_hits_metric_total 1.0"), metrics);
    assertTrue(metrics.contains("litellm_cache_misses_metric_total 1.0"));
    assertTrue(metrics.contains("litellm_cached_tokens_metric_total 15.0"));
  }

  @Test
  void cache_admin_endpoints_ping_delete_and_flush() throws Exception {
    HttpResponse<Buffer> ping = await(gw.get("/cache/ping").putHeader("Authorization", "Bearer " + MASTER).send());
    assertEquals(200, ping.statusCode(), ping.bodyAsString());
    assertEquals("healthy", ping.bodyAsJsonObject().getString("status"));
    assertEquals("local", ping.bodyAsJsonObject().getString("cache_type"));
    String key = post("/v1/chat/completions", MASTER, ask("x")).getHeader("x-litellm-cache-key");
    post("/v1/chat/completions", MASTER, ask("y"));
    assertEquals(new JsonObject().put("status", "success"), admin("/cache/delete", new JsonObject().put("keys", new JsonArray().add(key))));
    post("/v1/chat/completions", MASTER, ask("x"));
    post("/v1/chat/completions", MASTER, ask("y"));
    assertEquals(3, calls(), "x was deleted, y was not");
    assertEquals("success", admin("/cache/flushall", new JsonObject()).getString("status"));
    post("/v1/chat/completions", MASTER, ask("y"));
    assertEquals(4, calls());
    String plain = admin("/key/generate", new JsonObject()).getString("key");
    assertEquals(403, await(gw.get("/cache/ping").putHeader("Authorization", "Bearer " + plain).send()).statusCode());
  }
}
