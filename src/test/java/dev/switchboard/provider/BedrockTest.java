package dev.switchboard.provider;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.helpers.ChatCompletionAccumulator;
import com.openai.models.FunctionDefinition;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionFunctionTool;
import com.openai.models.chat.completions.ChatCompletionMessageToolCall;
import dev.switchboard.Gateway;
import dev.switchboard.testing.BedrockMock;
import dev.switchboard.testing.BedrockWire;
import dev.switchboard.testing.Gateways;
import dev.switchboard.testing.Requests;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * OpenAI chat (and Anthropic messages) in, Bedrock's Converse API out, SigV4-signed with a session
 * token, against a mock that checks every signature and speaks AWS event-stream.
 */
@ExtendWith(VertxExtension.class)
class BedrockTest {

  static final String TOKEN = "session-token/for+tests==";
  private static final String MODEL_PATH = "/model/anthropic.claude-3-haiku-20240307-v1%3A0";

  private BedrockMock mock;
  private Gateway gateway;
  private WebClient client;

  @BeforeEach
  void start(Vertx vertx, VertxTestContext ctx) {
    mock = new BedrockMock(vertx, TOKEN);
    client = WebClient.create(vertx);
    mock.start()
        .compose(m -> Gateways.start("""
            model_list:
              - model_name: claude
                litellm_params:
                  model: bedrock/%3$s
                  api_base: "http://127.0.0.1:%1$d"
                  aws_access_key_id: %2$s
                  aws_secret_access_key: os.environ/BEDROCK_TEST_SECRET
                  aws_session_token: os.environ/BEDROCK_TEST_TOKEN
                  aws_region_name: us-east-1
              # Everything from LiteLLM's AWS_* variables, the endpoint from aws_bedrock_runtime_endpoint.
              - model_name: titan-embed
                litellm_params: {model: bedrock/amazon.titan-embed-text-v2:0, api_base: "http://127.0.0.1:%1$d"}
              - model_name: claude-converse
                litellm_params: {model: bedrock/converse/%3$s, aws_bedrock_runtime_endpoint: "http://127.0.0.1:%1$d"}
            """.formatted(m.port(), BedrockMock.KEY_ID, BedrockMock.MODEL), Map.of(
                "BEDROCK_TEST_SECRET", BedrockMock.SECRET, "BEDROCK_TEST_TOKEN", TOKEN,
                "AWS_ACCESS_KEY_ID", BedrockMock.KEY_ID, "AWS_SECRET_ACCESS_KEY", BedrockMock.SECRET,
                "AWS_SESSION_TOKEN", TOKEN, "AWS_REGION", BedrockMock.REGION)))
        .onComplete(ctx.succeeding(started -> {
          gateway = started;
          ctx.completeNow();
        }));
  }

  @AfterEach
  void stop(VertxTestContext ctx) {
    client.close();
    Future.join(gateway == null ? Future.succeededFuture() : gateway.close(), mock.stop())
        .onComplete(ctx.succeedingThenComplete());
  }

  private Future<HttpResponse<Buffer>> post(String path, JsonObject body) {
    return client.post(gateway.port(), "127.0.0.1", path).sendJsonObject(body);
  }

  @Test
  void the_request_is_translated_to_converse_signed_and_the_answer_comes_back(VertxTestContext ctx) {
    JsonObject conversation = GeminiTest.conversation("claude").put("messages", GeminiTest.conversation("claude")
        .getJsonArray("messages").copy().add(new JsonObject().put("role", "user").put("content", "And tomorrow?")));
    post("/v1/chat/completions", conversation).onComplete(ctx.succeeding(response -> ctx.verify(() -> {
      assertEquals(200, response.statusCode(), response.bodyAsString());
      BedrockMock.Received upstream = mock.last();
      assertEquals(MODEL_PATH + "/converse", upstream.path());
      assertEquals(TOKEN, upstream.headers().get("x-amz-security-token"));
      assertTrue(upstream.headers().get("authorization").startsWith("AWS4-HMAC-SHA256 Credential=" + BedrockMock.KEY_ID
          + "/"), upstream.headers().get("authorization"));
      JsonObject body = upstream.body();
      assertEquals(new JsonArray().add(new JsonObject().put("text", "Be brief.")), body.getJsonArray("system"));
      JsonArray messages = body.getJsonArray("messages");
      assertEquals(3, messages.size(), messages.encodePrettily());
      JsonObject image = messages.getJsonObject(0).getJsonArray("content").getJsonObject(1).getJsonObject("image");
      assertEquals(new JsonObject().put("format", "png").put("source", new JsonObject().put("bytes", "iVBORw0KGgo=")), image);
      assertEquals(new JsonObject().put("toolUseId", "call_1").put("name", "get_weather").put("input", new JsonObject().put("city", "Paris")),
          messages.getJsonObject(1).getJsonArray("content").getJsonObject(0).getJsonObject("toolUse"));
      JsonArray userTurn = messages.getJsonObject(2).getJsonArray("content");
      assertEquals(new JsonObject().put("toolUseId", "call_1").put("content", new JsonArray().add(new JsonObject().put("text", "18C and sunny"))),
          userTurn.getJsonObject(0).getJsonObject("toolResult"), "the tool result and the next question share one user turn");
      assertEquals("And tomorrow?", userTurn.getJsonObject(1).getString("text"));
      JsonObject spec = body.getJsonObject("toolConfig").getJsonArray("tools").getJsonObject(0).getJsonObject("toolSpec");
      assertEquals("get_weather", spec.getString("name"));
      assertEquals("object", spec.getJsonObject("inputSchema").getJsonObject("json").getString("type"));
      assertEquals(new JsonObject().put("any", new JsonObject()), body.getJsonObject("toolConfig").getJsonObject("toolChoice"));
      assertEquals(new JsonObject().put("maxTokens", 100).put("temperature", 0.3).put("topP", 0.9)
          .put("stopSequences", new JsonArray().add("END")), body.getJsonObject("inferenceConfig"));

      JsonObject choice = response.bodyAsJsonObject().getJsonArray("choices").getJsonObject(0);
      assertEquals("tool_calls", choice.getString("finish_reason"));
      assertEquals("Let me check.", choice.getJsonObject("message").getString("content"));
      JsonObject call = choice.getJsonObject("message").getJsonArray("tool_calls").getJsonObject(0);
      assertEquals("tooluse_1", call.getString("id"));
      assertEquals("get_weather", call.getJsonObject("function").getString("name"));
      assertEquals(BedrockWire.TOOL_INPUT, new JsonObject(call.getJsonObject("function").getString("arguments")));
      ctx.completeNow();
    })));
  }

  @Test
  void usage_counts_cache_tokens_as_prompt_tokens_and_is_charged(VertxTestContext ctx) {
    post("/v1/chat/completions", Requests.hi("claude-converse")).onComplete(ctx.succeeding(response -> ctx.verify(() -> {
      assertEquals(200, response.statusCode(), response.bodyAsString());
      assertEquals(MODEL_PATH + "/converse", mock.last().path(), "bedrock/converse/ names the same route");
      JsonObject completion = response.bodyAsJsonObject();
      assertEquals("Hello from " + BedrockMock.MODEL,
          completion.getJsonArray("choices").getJsonObject(0).getJsonObject("message").getString("content"));
      assertEquals("stop", completion.getJsonArray("choices").getJsonObject(0).getString("finish_reason"));
      JsonObject usage = completion.getJsonObject("usage");
      assertEquals(16, usage.getInteger("prompt_tokens"), "10 input + 4 cache reads + 2 cache writes");
      assertEquals(6, usage.getInteger("completion_tokens"));
      assertEquals(22, usage.getInteger("total_tokens"));
      assertEquals(4, usage.getJsonObject("prompt_tokens_details").getInteger("cached_tokens"));
      // anthropic.claude-3-haiku-20240307-v1:0 from the price table: $0.25 in (cache reads too) / $1.25 out per million.
      double expected = 16 * 0.25e-6 + 6 * 1.25e-6;
      assertEquals(expected, Double.parseDouble(response.getHeader("x-litellm-response-cost")), 1e-12);
      ctx.completeNow();
    })));
  }

  @Test
  void an_event_stream_becomes_openai_chunks_with_usage_when_asked(VertxTestContext ctx) {
    post("/v1/chat/completions", Requests.chat("claude").streamWithUsage().build())
        .onComplete(ctx.succeeding(response -> ctx.verify(() -> {
          assertEquals(200, response.statusCode(), response.bodyAsString());
          assertEquals(MODEL_PATH + "/converse-stream", mock.last().path());
          assertEquals("application/vnd.amazon.eventstream", mock.last().headers().get("accept"));
          String text = response.bodyAsString();
          assertTrue(text.endsWith("data: [DONE]\n\n"), text);
          assertEquals(1, text.split("\\[DONE\\]", -1).length - 1, text);
          List<JsonObject> chunks = GeminiTest.chunks(text);
          assertEquals("assistant", chunks.get(0).getJsonArray("choices").getJsonObject(0).getJsonObject("delta").getString("role"));
          StringBuilder content = new StringBuilder();
          String finish = null;
          for (JsonObject chunk : chunks) {
            JsonArray choices = chunk.getJsonArray("choices");
            if (!choices.isEmpty()) {
              content.append(choices.getJsonObject(0).getJsonObject("delta").getString("content", ""));
              finish = choices.getJsonObject(0).getString("finish_reason", finish);
            }
          }
          assertEquals("Hello", content.toString());
          assertEquals("stop", finish);
          JsonObject usage = chunks.get(chunks.size() - 1).getJsonObject("usage");
          assertEquals(16, usage.getInteger("prompt_tokens"));
          assertEquals(6, usage.getInteger("completion_tokens"));
          assertEquals(16 * 0.25e-6 + 6 * 1.25e-6, Double.parseDouble(response.trailers().get("x-litellm-response-cost")), 1e-12);
          ctx.completeNow();
        })));
  }

  @Test
  void without_include_usage_no_usage_chunk_is_sent(VertxTestContext ctx) {
    post("/v1/chat/completions", Requests.chat("claude").stream().build())
        .onComplete(ctx.succeeding(response -> ctx.verify(() -> {
          for (JsonObject chunk : GeminiTest.chunks(response.bodyAsString())) {
            assertNull(chunk.getValue("usage"), chunk.encode());
          }
          ctx.completeNow();
        })));
  }

  /** The official SDK assembles the tool call whose arguments came in pieces. */
  @Test
  void the_openai_sdk_assembles_a_tool_call_streamed_in_pieces() {
    OpenAIClient openai = OpenAIOkHttpClient.builder().apiKey("sk-none")
        .baseUrl("http://127.0.0.1:" + gateway.port() + "/v1").maxRetries(0).build();
    try {
      ChatCompletionCreateParams params = ChatCompletionCreateParams.builder().model("claude")
          .addUserMessage("Weather in Paris?")
          .addTool(ChatCompletionFunctionTool.builder().function(FunctionDefinition.builder().name("get_weather").build()).build())
          .build();
      ChatCompletionAccumulator accumulator = ChatCompletionAccumulator.create();
      try (StreamResponse<ChatCompletionChunk> stream = openai.chat().completions().createStreaming(params)) {
        stream.stream().forEach(accumulator::accumulate);
      }
      ChatCompletion completion = accumulator.chatCompletion();
      List<ChatCompletionMessageToolCall> calls = completion.choices().get(0).message().toolCalls().orElseThrow();
      assertEquals(1, calls.size());
      assertEquals("tooluse_1", calls.get(0).asFunction().id());
      assertEquals("get_weather", calls.get(0).asFunction().function().name());
      assertEquals(BedrockWire.TOOL_INPUT, new JsonObject(calls.get(0).asFunction().function().arguments()));
      assertEquals("Hello", completion.choices().get(0).message().content().orElse(null));
      assertEquals(ChatCompletion.Choice.FinishReason.TOOL_CALLS, completion.choices().get(0).finishReason());
    } finally {
      openai.close();
    }
  }

  @Test
  void an_anthropic_client_streams_a_bedrock_tool_call_as_tool_use_with_input_json_deltas(VertxTestContext ctx) {
    JsonObject messages = Requests.messages("claude").user("Weather in Paris?").put("max_tokens", 50)
        .put("tools", new JsonArray().add(new JsonObject().put("name", "get_weather")
            .put("input_schema", new JsonObject().put("type", "object"))))
        .put("stream", true).build();
    post("/v1/messages", messages).onComplete(ctx.succeeding(streamed -> ctx.verify(() -> {
      assertEquals(200, streamed.statusCode(), streamed.bodyAsString());
      assertEquals("get_weather", mock.last().body().getJsonObject("toolConfig").getJsonArray("tools").getJsonObject(0)
          .getJsonObject("toolSpec").getString("name"));
      String text = streamed.bodyAsString();
      assertTrue(text.contains("\"type\":\"tool_use\""), text);
      assertTrue(text.contains("\"id\":\"tooluse_1\""), text);
      assertTrue(text.contains("\"input_json_delta\""), text);
      assertTrue(text.contains("\"stop_reason\":\"tool_use\""), text);
      assertTrue(text.endsWith("event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n"), text);
      ctx.completeNow();
    })));
  }

  @Test
  void titan_embeddings_go_through_invoke_model_one_input_a_call(VertxTestContext ctx) {
    post("/v1/embeddings", Requests.embeddings("titan-embed", "one two three").put("dimensions", 3))
        .compose(response -> {
          ctx.verify(() -> {
            assertEquals(200, response.statusCode(), response.bodyAsString());
            assertEquals("/model/amazon.titan-embed-text-v2%3A0/invoke", mock.last().path());
            assertEquals(new JsonObject().put("inputText", "one two three").put("dimensions", 3), mock.last().body());
            JsonObject list = response.bodyAsJsonObject();
            assertEquals(new JsonArray().add(0.5).add(1.5).add(2.5), list.getJsonArray("data").getJsonObject(0).getJsonArray("embedding"));
            assertEquals(3, list.getJsonObject("usage").getInteger("prompt_tokens"));
            // amazon.titan-embed-text-v2:0: $0.02 per million tokens.
            assertEquals(3 * 0.02e-6, Double.parseDouble(response.getHeader("x-litellm-response-cost")), 1e-15);
          });
          return post("/v1/embeddings", Requests.embeddings("titan-embed", "one", "two"));
        })
        .onComplete(ctx.succeeding(refused -> ctx.verify(() -> {
          assertEquals(400, refused.statusCode(), refused.bodyAsString());
          assertTrue(refused.bodyAsString().contains("one text per call"), refused.bodyAsString());
          ctx.completeNow();
        })));
  }

  @Test
  void anthropic_messages_clients_reach_bedrock_through_the_bridge(VertxTestContext ctx) {
    JsonObject messages = Requests.messages("claude").user("Hi").put("system", "Be brief.").put("max_tokens", 50).build();
    post("/v1/messages", messages)
        .compose(plain -> {
          ctx.verify(() -> {
            assertEquals(200, plain.statusCode(), plain.bodyAsString());
            JsonObject message = plain.bodyAsJsonObject();
            assertEquals("message", message.getString("type"));
            assertEquals("Hello from " + BedrockMock.MODEL, message.getJsonArray("content").getJsonObject(0).getString("text"));
            assertEquals("end_turn", message.getString("stop_reason"));
            assertEquals(new JsonArray().add(new JsonObject().put("text", "Be brief.")), mock.last().body().getJsonArray("system"));
          });
          return post("/v1/messages", messages.copy().put("stream", true));
        })
        .onComplete(ctx.succeeding(streamed -> ctx.verify(() -> {
          String text = streamed.bodyAsString();
          assertTrue(text.startsWith("event: message_start\n"), text);
          assertTrue(text.contains("\"text_delta\""), text);
          assertTrue(text.contains("\"output_tokens\":6"), text);
          assertFalse(text.contains("[DONE]"), text);
          assertTrue(text.endsWith("event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n"), text);
          ctx.completeNow();
        })));
  }
}
