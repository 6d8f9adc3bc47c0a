package dev.switchboard.ingress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
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
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/** LiteLLM's mock_response: answered by the chain's mock stage, no provider called, charged 0, logged. */
@ExtendWith(VertxExtension.class)
class MockResponseTest {

  private static final String MASTER = "sk-mock-master";

  /** Made on the test's thread: starting the database blocks. */
  private final String database = TestDatabase.newDatabaseUrl();

  @RegisterExtension
  final GatewayExtension gw = GatewayExtension.withConfig(m -> """
      model_list:
        - model_name: chat
          litellm_params: {model: openai/gpt-4o-mini, api_base: "%1$s", api_key: sk-up}
        - model_name: claude
          litellm_params: {model: anthropic/claude-sonnet-4-5, api_base: "http://127.0.0.1:%4$d", api_key: sk-ant}
      general_settings: {master_key: %2$s, database_url: "%3$s", proxy_batch_write_at: 0.05}
      """.formatted(m.apiBase(), MASTER, database, m.port()));

  private <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get();
  }

  private HttpResponse<Buffer> post(String path, String key, JsonObject body) throws Exception {
    return await(gw.post(path).putHeader("Authorization", "Bearer " + key).sendJsonObject(body));
  }

  @Test
  void a_chat_completion_is_mocked_through_the_sdk_and_its_spend_row_costs_nothing() throws Exception {
    OpenAIClient openai = OpenAIOkHttpClient.builder().apiKey(MASTER).baseUrl("http://127.0.0.1:" + gw.port() + "/v1")
        .maxRetries(0).build();
    ChatCompletion completion;
    try {
      completion = openai.chat().completions().create(ChatCompletionCreateParams.builder().model("chat")
          .addUserMessage("Say hello").putAdditionalBodyProperty("mock_response", JsonValue.from("Hi from the mock"))
          .build());
    } finally {
      openai.close();
    }
    assertEquals("Hi from the mock", completion.choices().get(0).message().content().orElseThrow());
    assertEquals("chat", completion.model());
    assertEquals(4, completion.usage().orElseThrow().completionTokens(), "16 characters at 4 a token");
    assertTrue(completion.usage().orElseThrow().promptTokens() > 0);

    HttpResponse<Buffer> raw = post("/chat/completions", MASTER, Requests.chat("chat").build().put("mock_response", "ok"));
    assertEquals(200, raw.statusCode());
    assertEquals("chat.completion", raw.bodyAsJsonObject().getString("object"));
    assertEquals(0.0, Double.parseDouble(raw.getHeader("x-litellm-response-cost")));
    String requestId = raw.getHeader("x-litellm-call-id");
    assertTrue(gw.mock().received().isEmpty(), "no provider was called: " + gw.mock().received());

    await(Awaits.until(gw.vertx(), () -> gw.gateway().accounting().writer().writtenRows() >= 2, 10_000));
    HttpResponse<Buffer> logs = await(gw.get("/spend/logs").addQueryParam("request_id", requestId)
        .putHeader("Authorization", "Bearer " + MASTER).send());
    JsonArray rows = logs.bodyAsJsonArray();
    assertEquals(1, rows.size(), logs.bodyAsString());
    JsonObject row = rows.getJsonObject(0);
    assertEquals(0.0, row.getDouble("spend"));
    assertEquals("success", row.getString("status"));
    assertEquals("chat", row.getString("model_group"));
    assertTrue(row.getLong("total_tokens") > 0, "usage estimated: " + row);
  }

  @Test
  void a_streamed_mock_sends_chunks_then_done() throws Exception {
    JsonObject body = Requests.chat("chat").build().put("stream", true).put("mock_response", "Hello there")
        .put("stream_options", new JsonObject().put("include_usage", true));
    HttpResponse<Buffer> answer = post("/v1/chat/completions", MASTER, body);
    assertEquals(200, answer.statusCode());
    assertTrue(answer.getHeader("content-type").startsWith("text/event-stream"));
    List<String> events = new ArrayList<>();
    for (String line : answer.bodyAsString().split("\n")) {
      if (line.startsWith("data: ")) {
        events.add(line.substring(6));
      }
    }
    assertEquals("[DONE]", events.get(events.size() - 1));
    StringBuilder text = new StringBuilder();
    JsonObject usage = null;
    for (String event : events.subList(0, events.size() - 1)) {
      JsonObject chunk = new JsonObject(event);
      assertEquals("chat.completion.chunk", chunk.getString("object"));
      for (Object choice : chunk.getJsonArray("choices")) {
        text.append(((JsonObject) choice).getJsonObject("delta").getString("content", ""));
      }
      usage = chunk.getJsonObject("usage", usage);
    }
    assertEquals("Hello there", text.toString());
    assertEquals(3, usage.getLong("completion_tokens"));
    assertTrue(gw.mock().received().isEmpty());
  }

  @Test
  void messages_and_completions_are_mocked_in_their_own_formats() throws Exception {
    JsonObject messages = Requests.messages("claude").build().put("max_tokens", 100).put("mock_response", "Bonjour");
    HttpResponse<Buffer> message = post("/v1/messages", MASTER, messages);
    assertEquals(200, message.statusCode(), message.bodyAsString());
    assertEquals("message", message.bodyAsJsonObject().getString("type"));
    assertEquals("Bonjour", message.bodyAsJsonObject().getJsonArray("content").getJsonObject(0).getString("text"));

    HttpResponse<Buffer> stream = post("/v1/messages", MASTER, messages.copy().put("stream", true));
    String events = stream.bodyAsString();
    assertTrue(events.startsWith("event: message_start"), events);
    assertTrue(events.contains("\"text\":\"Bonjour\""), events);
    assertTrue(events.trim().endsWith("data: {\"type\":\"message_stop\"}"), events);

    HttpResponse<Buffer> completion = post("/v1/completions", MASTER, new JsonObject().put("model", "chat")
        .put("prompt", "Once").put("mock_response", "upon a time"));
    assertEquals("upon a time", completion.bodyAsJsonObject().getJsonArray("choices").getJsonObject(0).getString("text"));
    assertTrue(gw.mock().received().isEmpty());
  }

  @Test
  void a_mock_is_rate_limited_like_a_real_call_while_counting_tokens_takes_no_slot() throws Exception {
    HttpResponse<Buffer> generated = post("/key/generate", MASTER, new JsonObject().put("rpm_limit", 1));
    assertEquals(200, generated.statusCode(), generated.bodyAsString());
    String key = generated.bodyAsJsonObject().getString("key");
    JsonObject count = Requests.messages("claude").build();
    for (int i = 0; i < 3; i++) {
      assertEquals(200, post("/v1/messages/count_tokens", key, count).statusCode(), "count_tokens is not rate-limited");
    }
    JsonObject mocked = Requests.chat("chat").build().put("mock_response", "one");
    assertEquals(200, post("/v1/chat/completions", key, mocked).statusCode());
    assertEquals(429, post("/v1/chat/completions", key, mocked).statusCode(), "the key's one request a minute is spent");
    assertTrue(gw.mock().received().stream().allMatch(r -> r.uri().endsWith("/count_tokens")), "only counts reached the provider");
  }

  @Test
  void a_litellm_error_class_is_raised_and_bad_input_names_the_field() throws Exception {
    HttpResponse<Buffer> limited = post("/v1/chat/completions", MASTER,
        Requests.chat("chat").build().put("mock_response", "litellm.RateLimitError"));
    assertEquals(429, limited.statusCode());
    assertEquals("rate_limit_error", limited.bodyAsJsonObject().getJsonObject("error").getString("type"));

    HttpResponse<Buffer> bad = post("/v1/chat/completions", MASTER, Requests.chat("chat").build()
        .put("mock_response", new JsonObject()));
    assertEquals(400, bad.statusCode());
    assertEquals("mock_response", bad.bodyAsJsonObject().getJsonObject("error").getString("param"));

    // The stages before the mock still apply: no key, no answer; an unknown model, a 404.
    assertEquals(401, post("/v1/chat/completions", "sk-nobody", Requests.chat("chat").build().put("mock_response", "x")).statusCode());
    assertEquals(404, post("/v1/chat/completions", MASTER, Requests.chat("nope").build().put("mock_response", "x")).statusCode());
    assertTrue(gw.mock().received().isEmpty());
  }
}
