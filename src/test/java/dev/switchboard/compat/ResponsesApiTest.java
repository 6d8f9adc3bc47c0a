package dev.switchboard.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.models.responses.FunctionTool;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseFunctionToolCall;
import com.openai.models.responses.ResponseOutputItem;
import com.openai.models.responses.ResponseStreamEvent;
import dev.switchboard.testing.Awaits;
import dev.switchboard.testing.GatewayExtension;
import dev.switchboard.testing.MockProvider;
import dev.switchboard.testing.ResponsesWire;
import dev.switchboard.testing.TestDatabase;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code POST /v1/responses} through the official OpenAI SDK: passed through to an OpenAI
 * deployment, translated to and from Anthropic's Messages API for an Anthropic one, stream and not,
 * with the same keys, access, spend rows and cost header as chat.
 */
@ExtendWith(VertxExtension.class)
class ResponsesApiTest {

  private static final String MASTER = "sk-responses-master";

  @RegisterExtension
  final GatewayExtension gw = GatewayExtension.manual();

  private OpenAIClient openai;

  @BeforeEach
  void start(Vertx vertx) throws Exception {
    String url = TestDatabase.newDatabaseUrl();
    await(gw.start(new MockProvider(vertx), m -> """
        model_list:
          - model_name: gpt
            litellm_params: {model: openai/gpt-x, api_base: "%1$s", api_key: sk-up}
            model_info: {input_cost_per_token: 0.001, output_cost_per_token: 0.002}
          - model_name: azure-gpt
            litellm_params: {model: azure/gpt-az, api_base: "http://127.0.0.1:%2$d", api_key: az-key, api_version: "2025-04-01-preview"}
          - model_name: claude
            litellm_params: {model: anthropic/claude-sonnet-4-5, api_base: "http://127.0.0.1:%2$d", api_key: sk-ant}
            model_info: {input_cost_per_token: 0.001, output_cost_per_token: 0.002}
          - model_name: gpt-failing
            litellm_params: {model: openai/mid-stream-error, api_base: "%1$s", api_key: sk-up}
          - model_name: claude-failing
            litellm_params: {model: anthropic/mid-stream-error, api_base: "http://127.0.0.1:%2$d", api_key: sk-ant}
        general_settings: {master_key: %3$s, database_url: "%4$s", proxy_batch_write_at: 0.05}
        """.formatted(m.apiBase(), m.port(), MASTER, url)), 60);
    openai = client(MASTER);
  }

  /** Test threads may wait; event loops never do. */
  private static <T> T await(Future<T> future, int seconds) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(seconds, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private OpenAIClient client(String key) {
    return OpenAIOkHttpClient.builder().apiKey(key).baseUrl("http://127.0.0.1:" + gw.port() + "/v1").maxRetries(0).build();
  }

  @AfterEach
  void stop() {
    openai.close();
  }

  private static ResponseCreateParams text(String model) {
    return ResponseCreateParams.builder().model(model).instructions("Be brief.").input("Say hello").build();
  }

  private static ResponseCreateParams tools(String model) {
    FunctionTool weather = FunctionTool.builder().name("get_weather").strict(false)
        .parameters(FunctionTool.Parameters.builder().putAdditionalProperty("type", JsonValue.from("object"))
            .putAdditionalProperty("properties", JsonValue.from(Map.of("city", Map.of("type", "string")))).build())
        .build();
    return ResponseCreateParams.builder().model(model).input("Weather in Paris?").addTool(weather).build();
  }

  private static String text(Response response) {
    StringBuilder out = new StringBuilder();
    for (ResponseOutputItem item : response.output()) {
      item.message().ifPresent(message -> message.content()
          .forEach(part -> part.outputText().ifPresent(t -> out.append(t.text()))));
    }
    return out.toString();
  }

  private static List<ResponseFunctionToolCall> calls(Response response) {
    return response.output().stream().flatMap(item -> item.functionCall().stream()).toList();
  }

  @Test
  void an_openai_deployment_gets_the_call_as_sent_with_its_model() {
    Response response = openai.responses().create(text("gpt"));
    assertEquals("Hello from gpt-x", text(response));
    assertEquals(11, response.usage().orElseThrow().inputTokens());
    assertEquals(7, response.usage().orElseThrow().outputTokens());
    MockProvider.Received upstream = gw.mock().last();
    assertEquals("/v1/responses", upstream.uri());
    assertEquals("gpt-x", upstream.body().getString("model"));
    assertEquals("Be brief.", upstream.body().getString("instructions"));
    assertEquals("Say hello", upstream.body().getString("input"));
  }

  @Test
  void an_azure_deployment_gets_it_at_its_responses_path_stream_and_not() {
    assertEquals("Hello from gpt-az", text(openai.responses().create(text("azure-gpt"))));
    MockProvider.Received upstream = gw.mock().last();
    assertEquals("/openai/responses?api-version=2025-04-01-preview", upstream.uri());
    assertEquals("az-key", upstream.headers().get("api-key"));
    assertEquals("gpt-az", upstream.body().getString("model"));
    StringBuilder streamed = new StringBuilder();
    Response[] completed = new Response[1];
    try (StreamResponse<ResponseStreamEvent> stream = openai.responses().createStreaming(text("azure-gpt"))) {
      stream.stream().forEach(event -> {
        event.outputTextDelta().ifPresent(d -> streamed.append(d.delta()));
        event.completed().ifPresent(done -> completed[0] = done.response());
      });
    }
    assertEquals("Hello from gpt-az", streamed.toString());
    assertEquals(3, completed[0].usage().orElseThrow().inputTokensDetails().cachedTokens());
    assertTrue(gw.mock().last().body().getBoolean("stream"));
  }

  @Test
  void an_openai_stream_passes_through_event_by_event() {
    List<String> deltas = new ArrayList<>();
    List<ResponseStreamEvent> events = new ArrayList<>();
    try (StreamResponse<ResponseStreamEvent> stream = openai.responses().createStreaming(tools("gpt"))) {
      stream.stream().forEach(event -> {
        events.add(event);
        event.functionCallArgumentsDelta().ifPresent(d -> deltas.add(d.delta()));
      });
    }
    assertTrue(events.get(0).isCreated());
    assertEquals(List.of("{\"city\"", ":\"Par", "is\"}"), deltas);
    Response completed = events.get(events.size() - 1).completed().orElseThrow().response();
    assertEquals(ResponsesWire.ARGUMENTS, calls(completed).get(0).arguments());
    assertEquals(18, completed.usage().orElseThrow().totalTokens());
    assertEquals("get_weather", gw.mock().last().body().getJsonArray("tools").getJsonObject(0).getString("name"));
  }

  @Test
  void an_anthropic_deployment_gets_it_translated_and_answers_a_response() {
    Response response = openai.responses().create(text("claude"));
    assertTrue(response.id().startsWith("resp_"), response.id());
    assertEquals("Hello from claude-sonnet-4-5", text(response));
    // Anthropic's 12 input and 4 cache-read tokens are the response's 16 input tokens.
    assertEquals(16, response.usage().orElseThrow().inputTokens());
    assertEquals(4, response.usage().orElseThrow().inputTokensDetails().cachedTokens());
    assertEquals(6, response.usage().orElseThrow().outputTokens());
    JsonObject upstream = gw.mock().last().body();
    assertEquals("/v1/messages", gw.mock().last().uri());
    assertEquals("Be brief.", upstream.getString("system"));
    assertEquals("Say hello", upstream.getJsonArray("messages").getJsonObject(0).getValue("content") instanceof String s
        ? s : upstream.getJsonArray("messages").getJsonObject(0).getJsonArray("content").getJsonObject(0).getString("text"));
  }

  @Test
  void translated_function_calls_come_back_as_function_call_items() {
    Response response = openai.responses().create(tools("claude"));
    assertEquals("Let me check.", text(response));
    ResponseFunctionToolCall call = calls(response).get(0);
    assertEquals("get_weather", call.name());
    assertEquals("toolu_01", call.callId());
    assertEquals(new JsonObject().put("city", "Paris").put("unit", "celsius"), new JsonObject(call.arguments()));
    JsonObject tool = gw.mock().last().body().getJsonArray("tools").getJsonObject(0);
    assertEquals("get_weather", tool.getString("name"));
    assertEquals("object", tool.getJsonObject("input_schema").getString("type"));
  }

  @Test
  void a_translated_stream_is_the_full_event_sequence_with_streamed_arguments() {
    List<ResponseStreamEvent> events = new ArrayList<>();
    StringBuilder text = new StringBuilder();
    List<StringBuilder> arguments = new ArrayList<>();
    try (StreamResponse<ResponseStreamEvent> stream = openai.responses().createStreaming(tools("claude"))) {
      stream.stream().forEach(event -> {
        events.add(event);
        event.outputTextDelta().ifPresent(d -> text.append(d.delta()));
        event.outputItemAdded().ifPresent(added -> added.item().functionCall().ifPresent(c -> arguments.add(new StringBuilder())));
        event.functionCallArgumentsDelta().ifPresent(d -> arguments.get(arguments.size() - 1).append(d.delta()));
      });
    }
    assertEquals("Hello", text.toString());
    String expected = new JsonObject().put("city", "Paris").put("unit", "celsius").encode();
    assertEquals(2, arguments.size());
    arguments.forEach(streamed -> assertEquals(expected, streamed.toString()));
    assertTrue(events.get(0).isCreated());
    Response completed = events.get(events.size() - 1).completed().orElseThrow().response();
    assertEquals("Hello", text(completed));
    assertEquals(2, calls(completed).size());
    assertEquals(expected, calls(completed).get(1).arguments());
    assertEquals(20, completed.usage().orElseThrow().inputTokens());
    assertEquals(9, completed.usage().orElseThrow().outputTokens());
  }

  /** The order of event types, read off the wire: the Responses API's documented sequence. */
  @Test
  void translated_stream_events_come_in_the_documented_order() {
    HttpResponse<Buffer> streamed = await(gw.post("/v1/responses").putHeader("Authorization", "Bearer " + MASTER)
        .sendJsonObject(new JsonObject().put("model", "claude").put("input", "hi").put("stream", true)), 30);
    assertEquals(200, streamed.statusCode(), streamed.bodyAsString());
    List<String> types = new ArrayList<>();
    for (String block : streamed.bodyAsString().split("\n\n")) {
      String[] lines = block.split("\n");
      assertTrue(lines[0].startsWith("event: "), block);
      String type = lines[0].substring(7);
      JsonObject data = new JsonObject(lines[1].substring(6));
      assertEquals(type, data.getString("type"));
      assertEquals(types.size(), data.getInteger("sequence_number"), block);
      types.add(type);
    }
    assertEquals(List.of("response.created", "response.in_progress", "response.output_item.added",
        "response.content_part.added", "response.output_text.delta", "response.output_text.delta",
        "response.output_text.done", "response.content_part.done", "response.output_item.done", "response.completed"), types);
    assertFalse(streamed.bodyAsString().contains("[DONE]"));
  }

  @Test
  void a_translated_stream_that_fails_midway_ends_with_an_error_event() {
    failsMidway("claude-failing");
  }

  @Test
  void a_passed_through_stream_that_fails_midway_ends_with_a_scrubbed_error_event() {
    failsMidway("gpt-failing");
  }

  private void failsMidway(String model) {
    HttpResponse<Buffer> streamed = await(gw.post("/v1/responses").putHeader("Authorization", "Bearer " + MASTER)
        .sendJsonObject(new JsonObject().put("model", model).put("input", "hi").put("stream", true)), 30);
    String body = streamed.bodyAsString();
    String[] blocks = body.trim().split("\n\n");
    String last = blocks[blocks.length - 1];
    assertTrue(last.startsWith("event: error\ndata: "), body);
    JsonObject error = new JsonObject(last.substring(last.indexOf("data: ") + 6));
    assertEquals("error", error.getString("type"));
    assertEquals(blocks.length - 1, error.getInteger("sequence_number"), body);
    assertFalse(body.contains("response.completed"), body);
    assertFalse(body.contains("sk-provA"), "the provider's secret is scrubbed");
  }

  @Test
  void a_keys_call_is_charged_in_its_spend_row_and_cost_header(Vertx vertx) {
    JsonObject generated = await(gw.post("/key/generate").putHeader("Authorization", "Bearer " + MASTER)
        .sendJsonObject(new JsonObject().put("key_alias", "codex")), 30).bodyAsJsonObject();
    String key = generated.getString("key");
    HttpResponse<Buffer> answer = await(gw.post("/v1/responses").putHeader("Authorization", "Bearer " + key)
        .sendJsonObject(new JsonObject().put("model", "claude").put("input", "hi")), 30);
    assertEquals(200, answer.statusCode(), answer.bodyAsString());
    // 16 input tokens at 0.001 and 6 output tokens at 0.002.
    assertEquals(0.028, Double.parseDouble(answer.getHeader("x-litellm-response-cost")), 1e-12);
    await(Awaits.until(vertx, () -> gw.gateway().accounting().writer().writtenRows() >= 1, 10_000), 15);
    JsonArray rows = await(gw.get("/spend/logs").putHeader("Authorization", "Bearer " + MASTER)
        .addQueryParam("api_key", key).send(), 30).bodyAsJsonArray();
    assertEquals(1, rows.size(), rows.encode());
    JsonObject row = rows.getJsonObject(0);
    assertEquals("claude", row.getString("model_group"));
    assertEquals("codex", row.getString("key_alias"));
    assertEquals(16, row.getLong("prompt_tokens"));
    assertEquals(6, row.getLong("completion_tokens"));
    assertEquals(0.028, row.getDouble("spend"), 1e-12);
    assertEquals("aresponses", row.getString("call_type"));
  }

  @Test
  void bad_input_is_a_400_naming_the_field() {
    BadRequestException missing = assertThrows(BadRequestException.class,
        () -> openai.responses().create(ResponseCreateParams.builder().model("claude").build()));
    assertEquals("input", missing.param().orElseThrow());
    HttpResponse<Buffer> tool = await(gw.post("/v1/responses").putHeader("Authorization", "Bearer " + MASTER)
        .sendJsonObject(new JsonObject().put("model", "gpt").put("input", "hi")
            .put("tools", new JsonArray().add(new JsonObject().put("type", "function")))), 30);
    assertEquals(400, tool.statusCode());
    assertEquals("tools[0].name", tool.bodyAsJsonObject().getJsonObject("error").getString("param"));
    HttpResponse<Buffer> item = await(gw.post("/responses").putHeader("Authorization", "Bearer " + MASTER)
        .sendJsonObject(new JsonObject().put("model", "gpt").put("input", new JsonArray()
            .add(new JsonObject().put("type", "function_call_output").put("output", "sunny")))), 30);
    assertEquals(400, item.statusCode());
    assertEquals("input[0].call_id", item.bodyAsJsonObject().getJsonObject("error").getString("param"));
    assertTrue(gw.mock().received().isEmpty(), "no provider was called");
  }

  @Test
  void a_key_without_access_to_the_model_is_refused() {
    String key = await(gw.post("/key/generate").putHeader("Authorization", "Bearer " + MASTER)
        .sendJsonObject(new JsonObject().put("models", new JsonArray().add("gpt"))), 30).bodyAsJsonObject().getString("key");
    OpenAIClient limited = client(key);
    try {
      assertEquals("Hello from gpt-x", text(limited.responses().create(text("gpt"))));
      com.openai.errors.OpenAIServiceException refused = assertThrows(com.openai.errors.OpenAIServiceException.class,
          () -> limited.responses().create(text("claude")));
      assertTrue(refused.statusCode() == 401 || refused.statusCode() == 403, String.valueOf(refused.statusCode()));
    } finally {
      limited.close();
    }
    HttpResponse<Buffer> noKey = await(gw.post("/v1/responses")
        .sendJsonObject(new JsonObject().put("model", "gpt").put("input", "hi")), 30);
    assertEquals(401, noKey.statusCode());
  }
}
