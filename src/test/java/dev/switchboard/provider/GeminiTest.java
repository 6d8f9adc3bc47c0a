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
import dev.switchboard.testing.GeminiMock;
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
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** OpenAI chat and embeddings (and Anthropic messages) in, Gemini's API out, against a mock that speaks it strictly. */
@ExtendWith(VertxExtension.class)
class GeminiTest {

  static final JsonObject WEATHER_TOOL = new JsonObject().put("type", "function").put("function",
      new JsonObject().put("name", "get_weather").put("description", "Weather in a city")
          .put("parameters", new JsonObject().put("type", "object").put("additionalProperties", false)
              .put("properties", new JsonObject().put("city", new JsonObject().put("type", "string")))));

  private GeminiMock mock;
  private Gateway gateway;
  private WebClient client;

  @BeforeEach
  void start(Vertx vertx, VertxTestContext ctx) {
    mock = new GeminiMock(vertx);
    client = WebClient.create(vertx);
    mock.start()
        .compose(m -> Gateways.start("""
            model_list:
              - model_name: gemini
                litellm_params: {model: gemini/gemini-2.5-flash, api_base: "http://127.0.0.1:%1$d", api_key: %2$s}
              - model_name: gemini-embed
                litellm_params: {model: gemini/gemini-embedding-001, api_base: "http://127.0.0.1:%1$d", api_key: %2$s}
            """.formatted(m.port(), GeminiMock.KEY)))
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

  static JsonObject conversation(String model) {
    JsonArray messages = new JsonArray()
        .add(new JsonObject().put("role", "system").put("content", "Be brief."))
        .add(new JsonObject().put("role", "user").put("content", new JsonArray()
            .add(new JsonObject().put("type", "text").put("text", "What is in this picture, and the weather?"))
            .add(new JsonObject().put("type", "image_url").put("image_url", new JsonObject().put("url", "data:image/png;base64,iVBORw0KGgo=")))))
        .add(new JsonObject().put("role", "assistant").putNull("content").put("tool_calls", new JsonArray().add(
            new JsonObject().put("id", "call_1").put("type", "function").put("function",
                new JsonObject().put("name", "get_weather").put("arguments", "{\"city\":\"Paris\"}")))))
        .add(new JsonObject().put("role", "tool").put("tool_call_id", "call_1").put("content", "18C and sunny"));
    return new JsonObject().put("model", model).put("messages", messages).put("tools", new JsonArray().add(WEATHER_TOOL))
        .put("tool_choice", "required").put("stop", "END").put("temperature", 0.3).put("top_p", 0.9).put("max_tokens", 100)
        .put("user", "u-7");
  }

  @Test
  void the_request_is_translated_to_generate_content_and_the_answer_back(VertxTestContext ctx) {
    post("/v1/chat/completions", conversation("gemini")).onComplete(ctx.succeeding(response -> ctx.verify(() -> {
      assertEquals(200, response.statusCode(), response.bodyAsString());
      GeminiMock.Received upstream = mock.last();
      assertEquals("/v1beta/models/gemini-2.5-flash:generateContent", upstream.uri());
      assertEquals(GeminiMock.KEY, upstream.headers().get("x-goog-api-key"));
      JsonObject body = upstream.body();
      assertEquals("Be brief.", body.getJsonObject("systemInstruction").getJsonArray("parts").getJsonObject(0).getString("text"));
      JsonArray contents = body.getJsonArray("contents");
      assertEquals(3, contents.size(), contents.encodePrettily());
      assertEquals(new JsonObject().put("mimeType", "image/png").put("data", "iVBORw0KGgo="),
          contents.getJsonObject(0).getJsonArray("parts").getJsonObject(1).getJsonObject("inlineData"));
      assertEquals("model", contents.getJsonObject(1).getString("role"));
      assertEquals(new JsonObject().put("name", "get_weather").put("args", new JsonObject().put("city", "Paris")),
          contents.getJsonObject(1).getJsonArray("parts").getJsonObject(0).getJsonObject("functionCall"));
      assertEquals(new JsonObject().put("name", "get_weather").put("response", new JsonObject().put("content", "18C and sunny")),
          contents.getJsonObject(2).getJsonArray("parts").getJsonObject(0).getJsonObject("functionResponse"));
      JsonObject declaration = body.getJsonArray("tools").getJsonObject(0).getJsonArray("functionDeclarations").getJsonObject(0);
      assertEquals("get_weather", declaration.getString("name"));
      assertFalse(declaration.getJsonObject("parameters").containsKey("additionalProperties"), "Gemini refuses it");
      assertEquals("ANY", body.getJsonObject("toolConfig").getJsonObject("functionCallingConfig").getString("mode"));
      JsonObject config = body.getJsonObject("generationConfig");
      assertEquals(new JsonArray().add("END"), config.getJsonArray("stopSequences"));
      assertEquals(0.3, config.getDouble("temperature"));
      assertEquals(0.9, config.getDouble("topP"));
      assertEquals(100, config.getInteger("maxOutputTokens"));

      JsonObject choice = response.bodyAsJsonObject().getJsonArray("choices").getJsonObject(0);
      assertEquals("tool_calls", choice.getString("finish_reason"));
      JsonObject call = choice.getJsonObject("message").getJsonArray("tool_calls").getJsonObject(0);
      assertTrue(call.getString("id").startsWith("call_"), "Gemini gives no id: the gateway makes one");
      assertEquals("get_weather", call.getJsonObject("function").getString("name"));
      assertEquals(new JsonObject().put("city", "Paris").put("unit", "celsius"),
          new JsonObject(call.getJsonObject("function").getString("arguments")));
      assertEquals("Let me check.", choice.getJsonObject("message").getString("content"));
      ctx.completeNow();
    })));
  }

  @Test
  void usage_counts_thinking_as_output_and_cached_input_apart_and_is_charged(VertxTestContext ctx) {
    post("/v1/chat/completions", Requests.hi("gemini")).onComplete(ctx.succeeding(response -> ctx.verify(() -> {
      assertEquals(200, response.statusCode(), response.bodyAsString());
      JsonObject completion = response.bodyAsJsonObject();
      JsonObject message = completion.getJsonArray("choices").getJsonObject(0).getJsonObject("message");
      assertEquals("Hello from gemini-2.5-flash", message.getString("content"));
      assertEquals("Thinking it over.", message.getString("reasoning_content"));
      assertEquals("stop", completion.getJsonArray("choices").getJsonObject(0).getString("finish_reason"));
      JsonObject usage = completion.getJsonObject("usage");
      assertEquals(12, usage.getInteger("prompt_tokens"));
      assertEquals(9, usage.getInteger("completion_tokens"), "6 answer + 3 thinking tokens");
      assertEquals(21, usage.getInteger("total_tokens"));
      assertEquals(4, usage.getJsonObject("prompt_tokens_details").getInteger("cached_tokens"));
      assertEquals(3, usage.getJsonObject("completion_tokens_details").getInteger("reasoning_tokens"));
      // gemini-2.5-flash from the price table: $0.30 / $0.075 cached / $2.50 per million tokens.
      double expected = 8 * 0.30e-6 + 4 * 0.075e-6 + 9 * 2.50e-6;
      assertEquals(expected, Double.parseDouble(response.getHeader("x-litellm-response-cost")), 1e-12);
      ctx.completeNow();
    })));
  }

  @Test
  void a_text_stream_becomes_openai_chunks_with_usage_when_asked(VertxTestContext ctx) {
    post("/v1/chat/completions", Requests.chat("gemini").streamWithUsage().build())
        .onComplete(ctx.succeeding(response -> ctx.verify(() -> {
          assertEquals("/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse", mock.last().uri());
          String text = response.bodyAsString();
          assertTrue(text.endsWith("data: [DONE]\n\n"), text);
          assertEquals(1, text.split("\\[DONE\\]", -1).length - 1, text);
          List<JsonObject> chunks = chunks(text);
          assertEquals("assistant", chunks.get(0).getJsonArray("choices").getJsonObject(0).getJsonObject("delta").getString("role"));
          StringBuilder content = new StringBuilder();
          String finish = null;
          for (JsonObject chunk : chunks) {
            assertEquals("chat.completion.chunk", chunk.getString("object"));
            JsonArray choices = chunk.getJsonArray("choices");
            if (!choices.isEmpty()) {
              content.append(choices.getJsonObject(0).getJsonObject("delta").getString("content", ""));
              finish = choices.getJsonObject(0).getString("finish_reason", finish);
            }
          }
          assertEquals("Hello", content.toString());
          assertEquals("stop", finish);
          JsonObject usage = chunks.get(chunks.size() - 1).getJsonObject("usage");
          assertEquals(20, usage.getInteger("prompt_tokens"));
          assertEquals(9, usage.getInteger("completion_tokens"));
          assertTrue(Double.parseDouble(response.trailers().get("x-litellm-response-cost")) > 0, response.trailers().toString());
          ctx.completeNow();
        })));
  }

  @Test
  void without_include_usage_no_usage_chunk_is_sent(VertxTestContext ctx) {
    post("/v1/chat/completions", Requests.chat("gemini").stream().build())
        .onComplete(ctx.succeeding(response -> ctx.verify(() -> {
          for (JsonObject chunk : chunks(response.bodyAsString())) {
            assertNull(chunk.getValue("usage"), chunk.encode());
          }
          ctx.completeNow();
        })));
  }

  static List<JsonObject> chunks(String text) {
    List<JsonObject> chunks = new ArrayList<>();
    for (String event : text.split("\n\n")) {
      if (!event.equals("data: [DONE]")) {
        chunks.add(new JsonObject(event.substring("data: ".length())));
      }
    }
    return chunks;
  }

  /** The official SDK assembles the tool calls of the translated stream. */
  @Test
  void the_openai_sdk_assembles_streamed_tool_calls() {
    OpenAIClient openai = OpenAIOkHttpClient.builder().apiKey("sk-none")
        .baseUrl("http://127.0.0.1:" + gateway.port() + "/v1").maxRetries(0).build();
    try {
      ChatCompletionCreateParams params = ChatCompletionCreateParams.builder().model("gemini")
          .addUserMessage("Weather in Paris and Lyon?")
          .addTool(ChatCompletionFunctionTool.builder().function(FunctionDefinition.builder().name("get_weather").build()).build())
          .build();
      ChatCompletionAccumulator accumulator = ChatCompletionAccumulator.create();
      try (StreamResponse<ChatCompletionChunk> stream = openai.chat().completions().createStreaming(params)) {
        stream.stream().forEach(accumulator::accumulate);
      }
      ChatCompletion completion = accumulator.chatCompletion();
      List<ChatCompletionMessageToolCall> calls = completion.choices().get(0).message().toolCalls().orElseThrow();
      assertEquals(2, calls.size());
      assertFalse(calls.get(0).asFunction().id().equals(calls.get(1).asFunction().id()), "each call its own id");
      for (ChatCompletionMessageToolCall call : calls) {
        assertEquals("get_weather", call.asFunction().function().name());
        assertEquals(new JsonObject().put("city", "Paris").put("unit", "celsius"),
            new JsonObject(call.asFunction().function().arguments()));
      }
      assertEquals("Hello", completion.choices().get(0).message().content().orElse(null));
      assertEquals(ChatCompletion.Choice.FinishReason.TOOL_CALLS, completion.choices().get(0).finishReason());
    } finally {
      openai.close();
    }
  }

  @Test
  void embeddings_go_to_batch_embed_contents(VertxTestContext ctx) {
    post("/v1/embeddings", Requests.embeddings("gemini-embed", "one", "two").put("dimensions", 4))
        .onComplete(ctx.succeeding(response -> ctx.verify(() -> {
          assertEquals(200, response.statusCode(), response.bodyAsString());
          GeminiMock.Received upstream = mock.last();
          assertEquals("/v1beta/models/gemini-embedding-001:batchEmbedContents", upstream.uri());
          JsonObject first = upstream.body().getJsonArray("requests").getJsonObject(0);
          assertEquals("models/gemini-embedding-001", first.getString("model"));
          assertEquals("one", first.getJsonObject("content").getJsonArray("parts").getJsonObject(0).getString("text"));
          assertEquals(4, first.getInteger("outputDimensionality"));
          JsonObject list = response.bodyAsJsonObject();
          assertEquals("list", list.getString("object"));
          JsonArray data = list.getJsonArray("data");
          assertEquals(2, data.size());
          assertEquals(1, data.getJsonObject(1).getInteger("index"));
          assertEquals(new JsonArray().add(1.0).add(1.1).add(1.2).add(1.3), data.getJsonObject(1).getJsonArray("embedding"));
          // Gemini counts no embedding tokens: the charge is the prompt's estimate (6 characters, 2 tokens).
          assertEquals(2 * 0.15e-6, Double.parseDouble(response.getHeader("x-litellm-response-cost")), 1e-12);
          ctx.completeNow();
        })));
  }

  @Test
  void anthropic_messages_clients_reach_gemini_through_the_bridge(VertxTestContext ctx) {
    JsonObject messages = Requests.messages("gemini").user("Hi").put("system", "Be brief.").put("max_tokens", 50).build();
    post("/v1/messages", messages)
        .compose(plain -> {
          ctx.verify(() -> {
            assertEquals(200, plain.statusCode(), plain.bodyAsString());
            JsonObject message = plain.bodyAsJsonObject();
            assertEquals("message", message.getString("type"));
            assertEquals("Hello from gemini-2.5-flash", message.getJsonArray("content").getJsonObject(0).getString("text"));
            assertEquals(8, message.getJsonObject("usage").getInteger("input_tokens"), "12 prompt tokens less 4 cached");
            assertEquals("Be brief.", mock.last().body().getJsonObject("systemInstruction").getJsonArray("parts")
                .getJsonObject(0).getString("text"));
          });
          return post("/v1/messages", messages.copy().put("stream", true));
        })
        .onComplete(ctx.succeeding(streamed -> ctx.verify(() -> {
          String text = streamed.bodyAsString();
          assertTrue(text.startsWith("event: message_start\n"), text);
          assertTrue(text.contains("\"text_delta\""), text);
          assertTrue(text.contains("\"output_tokens\":9"), text);
          assertTrue(text.endsWith("event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n"), text);
          ctx.completeNow();
        })));
  }
}
