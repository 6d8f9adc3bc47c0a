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
import dev.switchboard.testing.CohereMock;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** OpenAI chat and embeddings (and Anthropic messages) in, Cohere's v2 API out, against a mock that speaks it strictly. */
@ExtendWith(VertxExtension.class)
class CohereTest {

  private CohereMock mock;
  private Gateway gateway;
  private WebClient client;

  @BeforeEach
  void start(Vertx vertx, VertxTestContext ctx) {
    mock = new CohereMock(vertx);
    client = WebClient.create(vertx);
    mock.start()
        .compose(m -> Gateways.start("""
            model_list:
              - model_name: command
                litellm_params: {model: cohere_chat/command-r, api_base: "http://127.0.0.1:%1$d", api_key: %2$s}
              - model_name: command-plain
                litellm_params: {model: cohere/command-r-plus, api_base: "http://127.0.0.1:%1$d/v2", api_key: %2$s}
              - model_name: cohere-embed
                litellm_params: {model: cohere/embed-english-v3.0, api_base: "http://127.0.0.1:%1$d", api_key: %2$s}
            """.formatted(m.port(), CohereMock.KEY)))
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
  void the_request_is_translated_to_v2_chat_and_the_answer_back(VertxTestContext ctx) {
    JsonObject conversation = GeminiTest.conversation("command").put("seed", 7).put("response_format",
        new JsonObject().put("type", "json_schema").put("json_schema", new JsonObject().put("name", "w")
            .put("schema", new JsonObject().put("type", "object"))));
    post("/v1/chat/completions", conversation).onComplete(ctx.succeeding(response -> ctx.verify(() -> {
      assertEquals(200, response.statusCode(), response.bodyAsString());
      CohereMock.Received upstream = mock.last();
      assertEquals("/v2/chat", upstream.uri());
      assertEquals("Bearer " + CohereMock.KEY, upstream.headers().get("authorization"));
      JsonObject body = upstream.body();
      assertEquals("command-r", body.getString("model"));
      JsonArray messages = body.getJsonArray("messages");
      assertEquals(new JsonObject().put("role", "system").put("content", "Be brief."), messages.getJsonObject(0));
      JsonArray parts = messages.getJsonObject(1).getJsonArray("content");
      assertEquals("text", parts.getJsonObject(0).getString("type"));
      assertEquals(new JsonObject().put("type", "image_url").put("image_url",
          new JsonObject().put("url", "data:image/png;base64,iVBORw0KGgo=")), parts.getJsonObject(1));
      JsonObject assistant = messages.getJsonObject(2);
      assertFalse(assistant.containsKey("content"), assistant.encode());
      assertEquals("{\"city\":\"Paris\"}", assistant.getJsonArray("tool_calls").getJsonObject(0).getJsonObject("function")
          .getString("arguments"));
      assertEquals(new JsonObject().put("role", "tool").put("tool_call_id", "call_1").put("content", "18C and sunny"),
          messages.getJsonObject(3));
      assertEquals("get_weather", body.getJsonArray("tools").getJsonObject(0).getJsonObject("function").getString("name"));
      assertEquals("REQUIRED", body.getString("tool_choice"));
      assertEquals(new JsonArray().add("END"), body.getJsonArray("stop_sequences"));
      assertEquals(0.3, body.getDouble("temperature"));
      assertEquals(0.9, body.getDouble("p"));
      assertEquals(100, body.getInteger("max_tokens"));
      assertEquals(7, body.getInteger("seed"));
      assertEquals(new JsonObject().put("type", "json_object").put("json_schema", new JsonObject().put("type", "object")),
          body.getJsonObject("response_format"));

      JsonObject choice = response.bodyAsJsonObject().getJsonArray("choices").getJsonObject(0);
      assertEquals("tool_calls", choice.getString("finish_reason"));
      JsonObject call = choice.getJsonObject("message").getJsonArray("tool_calls").getJsonObject(0);
      assertEquals("get_weather_1", call.getString("id"));
      assertEquals(new JsonObject().put("city", "Paris").put("unit", "celsius"),
          new JsonObject(call.getJsonObject("function").getString("arguments")));
      assertEquals("I will look up the weather.", choice.getJsonObject("message").getString("content"));
      ctx.completeNow();
    })));
  }

  @Test
  void usage_is_the_billed_units_and_is_charged_at_the_command_r_price(VertxTestContext ctx) {
    post("/v1/chat/completions", Requests.hi("command")).onComplete(ctx.succeeding(response -> ctx.verify(() -> {
      assertEquals(200, response.statusCode(), response.bodyAsString());
      JsonObject completion = response.bodyAsJsonObject();
      assertEquals("c0ffee-1", completion.getString("id"));
      JsonObject choice = completion.getJsonArray("choices").getJsonObject(0);
      assertEquals("Hello from command-r", choice.getJsonObject("message").getString("content"));
      assertEquals("stop", choice.getString("finish_reason"));
      JsonObject usage = completion.getJsonObject("usage");
      assertEquals(12, usage.getInteger("prompt_tokens"), "billed units, not the template-inflated token count");
      assertEquals(6, usage.getInteger("completion_tokens"));
      assertEquals(18, usage.getInteger("total_tokens"));
      // command-r from the price table: $0.15 in / $0.60 out per million tokens.
      assertEquals(12 * 0.15e-6 + 6 * 0.60e-6, Double.parseDouble(response.getHeader("x-litellm-response-cost")), 1e-12);
      ctx.completeNow();
    })));
  }

  @Test
  void the_cohere_prefix_and_an_api_base_ending_in_v2_reach_the_same_api(VertxTestContext ctx) {
    post("/v1/chat/completions", Requests.hi("command-plain")).onComplete(ctx.succeeding(response -> ctx.verify(() -> {
      assertEquals(200, response.statusCode(), response.bodyAsString());
      assertEquals("/v2/chat", mock.last().uri());
      assertEquals("command-r-plus", mock.last().body().getString("model"));
      ctx.completeNow();
    })));
  }

  @Test
  void a_text_stream_becomes_openai_chunks_with_usage_when_asked(VertxTestContext ctx) {
    post("/v1/chat/completions", Requests.chat("command").streamWithUsage().build())
        .onComplete(ctx.succeeding(response -> ctx.verify(() -> {
          assertTrue(mock.last().body().getBoolean("stream"));
          String text = response.bodyAsString();
          assertTrue(text.endsWith("data: [DONE]\n\n"), text);
          assertEquals(1, text.split("\\[DONE\\]", -1).length - 1, text);
          List<JsonObject> chunks = GeminiTest.chunks(text);
          assertEquals("assistant", chunks.get(0).getJsonArray("choices").getJsonObject(0).getJsonObject("delta").getString("role"));
          StringBuilder content = new StringBuilder();
          String finish = null;
          for (JsonObject chunk : chunks) {
            assertEquals("c0ffee-2", chunk.getString("id"));
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
          assertEquals(20 * 0.15e-6 + 9 * 0.60e-6, Double.parseDouble(response.trailers().get("x-litellm-response-cost")), 1e-12);
          ctx.completeNow();
        })));
  }

  @Test
  void without_include_usage_no_usage_chunk_is_sent(VertxTestContext ctx) {
    post("/v1/chat/completions", Requests.chat("command").stream().build())
        .onComplete(ctx.succeeding(response -> ctx.verify(() -> {
          assertTrue(response.bodyAsString().endsWith("data: [DONE]\n\n"), response.bodyAsString());
          for (JsonObject chunk : GeminiTest.chunks(response.bodyAsString())) {
            assertNull(chunk.getValue("usage"), chunk.encode());
          }
          ctx.completeNow();
        })));
  }

  /** The official SDK assembles the calls whose arguments came in pieces. */
  @Test
  void the_openai_sdk_assembles_tool_calls_from_streamed_arguments() {
    OpenAIClient openai = OpenAIOkHttpClient.builder().apiKey("sk-none")
        .baseUrl("http://127.0.0.1:" + gateway.port() + "/v1").maxRetries(0).build();
    try {
      ChatCompletionCreateParams params = ChatCompletionCreateParams.builder().model("command")
          .addSystemMessage("Be brief.").addUserMessage("Weather in Paris and Lyon?")
          .addTool(ChatCompletionFunctionTool.builder().function(FunctionDefinition.builder().name("get_weather").build()).build())
          .build();
      ChatCompletionAccumulator accumulator = ChatCompletionAccumulator.create();
      try (StreamResponse<ChatCompletionChunk> stream = openai.chat().completions().createStreaming(params)) {
        stream.stream().forEach(accumulator::accumulate);
      }
      ChatCompletion completion = accumulator.chatCompletion();
      List<ChatCompletionMessageToolCall> calls = completion.choices().get(0).message().toolCalls().orElseThrow();
      assertEquals(2, calls.size());
      assertEquals("get_weather_0", calls.get(0).asFunction().id());
      assertEquals("get_weather_1", calls.get(1).asFunction().id());
      for (ChatCompletionMessageToolCall call : calls) {
        assertEquals("get_weather", call.asFunction().function().name());
        assertEquals(new JsonObject().put("city", "Paris").put("unit", "celsius"),
            new JsonObject(call.asFunction().function().arguments()));
      }
      assertEquals("Hello Checking.", completion.choices().get(0).message().content().orElse(null));
      assertEquals(ChatCompletion.Choice.FinishReason.TOOL_CALLS, completion.choices().get(0).finishReason());
      assertEquals("system", mock.last().body().getJsonArray("messages").getJsonObject(0).getString("role"));
    } finally {
      openai.close();
    }
  }

  @Test
  void embeddings_go_to_v2_embed_with_a_search_document_input_type(VertxTestContext ctx) {
    post("/v1/embeddings", Requests.embeddings("cohere-embed", "one two", "three").put("encoding_format", "float"))
        .compose(first -> {
          ctx.verify(() -> {
            assertEquals(200, first.statusCode(), first.bodyAsString());
            CohereMock.Received upstream = mock.last();
            assertEquals("/v2/embed", upstream.uri());
            assertEquals(new JsonObject().put("model", "embed-english-v3.0").put("texts", new JsonArray().add("one two").add("three"))
                .put("input_type", "search_document").put("embedding_types", new JsonArray().add("float")), upstream.body());
            JsonObject list = first.bodyAsJsonObject();
            assertEquals("list", list.getString("object"));
            assertEquals(2, list.getJsonArray("data").size());
            assertEquals(new JsonArray().add(1.0).add(1.1).add(1.2), list.getJsonArray("data").getJsonObject(1).getJsonArray("embedding"));
            assertEquals(3, list.getJsonObject("usage").getInteger("prompt_tokens"), "Cohere's billed input tokens");
            // embed-english-v3.0 from the price table: $0.10 per million tokens.
            assertEquals(3 * 0.10e-6, Double.parseDouble(first.getHeader("x-litellm-response-cost")), 1e-12);
          });
          return post("/v1/embeddings", Requests.embeddings("cohere-embed", "query").put("input_type", "search_query"));
        })
        .onComplete(ctx.succeeding(second -> ctx.verify(() -> {
          assertEquals(200, second.statusCode(), second.bodyAsString());
          assertEquals("search_query", mock.last().body().getString("input_type"));
          ctx.completeNow();
        })));
  }

  @Test
  void anthropic_messages_clients_reach_cohere_through_the_bridge(VertxTestContext ctx) {
    JsonObject messages = Requests.messages("command").user("Hi").put("system", "Be brief.").put("max_tokens", 50).build();
    post("/v1/messages", messages)
        .compose(plain -> {
          ctx.verify(() -> {
            assertEquals(200, plain.statusCode(), plain.bodyAsString());
            JsonObject message = plain.bodyAsJsonObject();
            assertEquals("message", message.getString("type"));
            assertEquals("Hello from command-r", message.getJsonArray("content").getJsonObject(0).getString("text"));
            assertEquals(12, message.getJsonObject("usage").getInteger("input_tokens"));
            assertEquals(new JsonObject().put("role", "system").put("content", "Be brief."),
                mock.last().body().getJsonArray("messages").getJsonObject(0));
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
