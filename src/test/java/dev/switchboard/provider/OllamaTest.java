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
import dev.switchboard.testing.Gateways;
import dev.switchboard.testing.OllamaMock;
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

/** OpenAI chat and embeddings (and Anthropic messages) in, Ollama's native API out, against a strict mock. */
@ExtendWith(VertxExtension.class)
class OllamaTest {

  private OllamaMock mock;
  private Gateway gateway;
  private WebClient client;

  @BeforeEach
  void start(Vertx vertx, VertxTestContext ctx) {
    mock = new OllamaMock(vertx);
    client = WebClient.create(vertx);
    mock.start()
        .compose(m -> Gateways.start("""
            model_list:
              - model_name: chat
                litellm_params: {model: "ollama_chat/llama3.2:3b", api_base: "http://127.0.0.1:%1$d"}
              - model_name: generate
                litellm_params: {model: "ollama/llama3.2:3b", api_base: "http://127.0.0.1:%1$d/"}
              - model_name: short
                litellm_params: {model: "ollama_chat/%2$s", api_base: "http://127.0.0.1:%1$d", api_key: sk-ollama-proxy-1234}
              - model_name: embed
                litellm_params: {model: "ollama/nomic-embed-text", api_base: "http://127.0.0.1:%1$d"}
            """.formatted(m.port(), OllamaMock.SHORT)))
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
  void ollama_listens_on_localhost_11434_by_default() {
    for (String prefix : List.of("ollama/", "ollama_chat/")) {
      assertEquals("http://localhost:11434", Providers.resolve(prefix + "llama3", "model").provider().defaultApiBase());
    }
  }

  @Test
  void a_conversation_goes_to_api_chat_and_the_tool_call_comes_back(VertxTestContext ctx) {
    JsonObject request = GeminiTest.conversation("chat").put("seed", 7).put("tool_choice", "auto")
        .put("response_format", new JsonObject().put("type", "json_schema").put("json_schema", new JsonObject()
            .put("name", "w").put("schema", new JsonObject().put("type", "object"))));
    post("/v1/chat/completions", request).onComplete(ctx.succeeding(response -> ctx.verify(() -> {
      assertEquals(200, response.statusCode(), response.bodyAsString());
      OllamaMock.Received upstream = mock.last();
      assertEquals("/api/chat", upstream.path());
      assertNull(upstream.headers().get("authorization"), "no key configured, none sent");
      JsonObject body = upstream.body();
      assertEquals("llama3.2:3b", body.getString("model"));
      assertEquals(false, body.getBoolean("stream"));
      JsonArray messages = body.getJsonArray("messages");
      assertEquals(new JsonObject().put("role", "system").put("content", "Be brief."), messages.getJsonObject(0));
      assertEquals(new JsonArray().add("iVBORw0KGgo="), messages.getJsonObject(1).getJsonArray("images"));
      assertEquals("What is in this picture, and the weather?", messages.getJsonObject(1).getString("content"));
      JsonObject call = messages.getJsonObject(2).getJsonArray("tool_calls").getJsonObject(0);
      assertEquals(new JsonObject().put("name", "get_weather").put("arguments", new JsonObject().put("city", "Paris")),
          call.getJsonObject("function"), "arguments as an object, as Ollama takes them");
      assertEquals(new JsonObject().put("role", "tool").put("content", "18C and sunny").put("tool_name", "get_weather"),
          messages.getJsonObject(3));
      assertEquals(GeminiTest.WEATHER_TOOL, body.getJsonArray("tools").getJsonObject(0));
      JsonObject options = body.getJsonObject("options");
      assertEquals(new JsonArray().add("END"), options.getJsonArray("stop"));
      assertEquals(0.3, options.getDouble("temperature"));
      assertEquals(0.9, options.getDouble("top_p"));
      assertEquals(100, options.getInteger("num_predict"));
      assertEquals(7, options.getInteger("seed"));
      assertEquals(new JsonObject().put("type", "object"), body.getJsonObject("format"));

      JsonObject choice = response.bodyAsJsonObject().getJsonArray("choices").getJsonObject(0);
      assertEquals("tool_calls", choice.getString("finish_reason"));
      JsonObject answered = choice.getJsonObject("message").getJsonArray("tool_calls").getJsonObject(0);
      assertTrue(answered.getString("id").startsWith("call_"), "Ollama gives no id: the gateway makes one");
      assertEquals("get_weather", answered.getJsonObject("function").getString("name"));
      assertEquals(new JsonObject().put("city", "Paris").put("unit", "celsius"),
          new JsonObject(answered.getJsonObject("function").getString("arguments")));
      assertNull(choice.getJsonObject("message").getString("content"));
      ctx.completeNow();
    })));
  }

  @Test
  void usage_comes_from_the_eval_counts_and_costs_nothing(VertxTestContext ctx) {
    post("/v1/chat/completions", Requests.chat("chat").system("Be brief.").user("Hi").build())
        .onComplete(ctx.succeeding(response -> ctx.verify(() -> {
          assertEquals(200, response.statusCode(), response.bodyAsString());
          JsonObject completion = response.bodyAsJsonObject();
          JsonObject message = completion.getJsonArray("choices").getJsonObject(0).getJsonObject("message");
          assertEquals("Hello from llama3.2:3b", message.getString("content"));
          assertEquals("Thinking it over.", message.getString("reasoning_content"));
          assertEquals("stop", completion.getJsonArray("choices").getJsonObject(0).getString("finish_reason"));
          assertEquals(new JsonObject().put("prompt_tokens", 12).put("completion_tokens", 6).put("total_tokens", 18),
              completion.getJsonObject("usage"));
          assertEquals(0.0, Double.parseDouble(response.getHeader("x-litellm-response-cost")), "a local model is free");
          ctx.completeNow();
        })));
  }

  @Test
  void ollama_prefix_uses_api_generate_with_the_system_text_apart(VertxTestContext ctx) {
    JsonObject request = Requests.chat("generate").system("Be brief.").user("Hi").build()
        .put("response_format", new JsonObject().put("type", "json_object"));
    post("/v1/chat/completions", request).onComplete(ctx.succeeding(response -> ctx.verify(() -> {
      assertEquals(200, response.statusCode(), response.bodyAsString());
      OllamaMock.Received upstream = mock.last();
      assertEquals("/api/generate", upstream.path(), "api_base's trailing slash is not doubled");
      assertEquals("Be brief.", upstream.body().getString("system"));
      assertEquals("Hi", upstream.body().getString("prompt"));
      assertEquals("json", upstream.body().getString("format"));
      JsonObject completion = response.bodyAsJsonObject();
      assertEquals("Hello from llama3.2:3b", completion.getJsonArray("choices").getJsonObject(0).getJsonObject("message")
          .getString("content"));
      assertEquals(18, completion.getJsonObject("usage").getInteger("total_tokens"));
      ctx.completeNow();
    })));
  }

  @Test
  void api_generate_gets_a_longer_conversation_as_one_prompt_and_refuses_tools(VertxTestContext ctx) {
    JsonObject conversation = Requests.chat("generate").user("Hi").assistant("Hello!").user("Bye").build();
    post("/v1/chat/completions", conversation)
        .compose(answered -> {
          ctx.verify(() -> {
            assertEquals(200, answered.statusCode(), answered.bodyAsString());
            assertEquals("### User:\nHi\n\n### Assistant:\nHello!\n\n### User:\nBye\n\n### Assistant:\n",
                mock.last().body().getString("prompt"));
          });
          return post("/v1/chat/completions", conversation.copy().put("tools", new JsonArray().add(GeminiTest.WEATHER_TOOL)));
        })
        .onComplete(ctx.succeeding(refused -> ctx.verify(() -> {
          assertEquals(400, refused.statusCode(), refused.bodyAsString());
          assertTrue(refused.bodyAsString().contains("ollama_chat/llama3.2:3b"), refused.bodyAsString());
          assertEquals(1, mock.received().size(), "refused before any call");
          ctx.completeNow();
        })));
  }

  @Test
  void a_token_limit_stop_is_finish_reason_length_and_a_key_goes_as_bearer(VertxTestContext ctx) {
    post("/v1/chat/completions", Requests.hi("short")).onComplete(ctx.succeeding(response -> ctx.verify(() -> {
      assertEquals(200, response.statusCode(), response.bodyAsString());
      assertEquals("length", response.bodyAsJsonObject().getJsonArray("choices").getJsonObject(0).getString("finish_reason"));
      assertEquals("Bearer sk-ollama-proxy-1234", mock.last().headers().get("authorization"));
      ctx.completeNow();
    })));
  }

  @Test
  void both_prefixes_stream_ndjson_as_openai_chunks(VertxTestContext ctx) {
    post("/v1/chat/completions", Requests.chat("chat").streamWithUsage().build())
        .compose(chat -> {
          ctx.verify(() -> {
            assertEquals(true, mock.last().body().getBoolean("stream"));
            assertStream(chat, true);
            assertEquals(0.0, Double.parseDouble(chat.trailers().get("x-litellm-response-cost")));
          });
          return post("/v1/chat/completions", Requests.chat("generate").stream().build());
        })
        .onComplete(ctx.succeeding(generate -> ctx.verify(() -> {
          assertEquals("/api/generate", mock.last().path());
          assertStream(generate, false);
          ctx.completeNow();
        })));
  }

  private static void assertStream(HttpResponse<Buffer> response, boolean withUsage) {
    assertEquals(200, response.statusCode(), response.bodyAsString());
    String text = response.bodyAsString();
    assertTrue(text.endsWith("data: [DONE]\n\n"), text);
    assertEquals(1, text.split("\\[DONE\\]", -1).length - 1, text);
    List<JsonObject> chunks = GeminiTest.chunks(text);
    assertEquals("assistant", chunks.get(0).getJsonArray("choices").getJsonObject(0).getJsonObject("delta").getString("role"));
    StringBuilder content = new StringBuilder();
    String finish = null;
    JsonObject usage = null;
    for (JsonObject chunk : chunks) {
      assertEquals("chat.completion.chunk", chunk.getString("object"));
      JsonArray choices = chunk.getJsonArray("choices");
      if (!choices.isEmpty()) {
        content.append(choices.getJsonObject(0).getJsonObject("delta").getString("content", ""));
        finish = choices.getJsonObject(0).getString("finish_reason", finish);
      }
      usage = chunk.getJsonObject("usage", usage);
    }
    assertEquals("Hello", content.toString());
    assertEquals("stop", finish);
    if (withUsage) {
      assertEquals(new JsonObject().put("prompt_tokens", 20).put("completion_tokens", 9).put("total_tokens", 29), usage);
    } else {
      assertNull(usage, text);
    }
  }

  /** The official SDK assembles the tool calls of the translated stream. */
  @Test
  void the_openai_sdk_assembles_streamed_tool_calls() {
    OpenAIClient openai = OpenAIOkHttpClient.builder().apiKey("sk-none")
        .baseUrl("http://127.0.0.1:" + gateway.port() + "/v1").maxRetries(0).build();
    try {
      ChatCompletionCreateParams params = ChatCompletionCreateParams.builder().model("chat")
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
  void embeddings_go_to_api_embed_in_one_call(VertxTestContext ctx) {
    post("/v1/embeddings", Requests.embeddings("embed", "one", "two").put("dimensions", 4))
        .onComplete(ctx.succeeding(response -> ctx.verify(() -> {
          assertEquals(200, response.statusCode(), response.bodyAsString());
          OllamaMock.Received upstream = mock.last();
          assertEquals("/api/embed", upstream.path());
          assertEquals(new JsonObject().put("model", "nomic-embed-text").put("input", new JsonArray().add("one").add("two"))
              .put("dimensions", 4), upstream.body());
          JsonObject list = response.bodyAsJsonObject();
          JsonArray data = list.getJsonArray("data");
          assertEquals(2, data.size());
          assertEquals(1, data.getJsonObject(1).getInteger("index"));
          assertEquals(new JsonArray().add(1.0).add(1.1).add(1.2).add(1.3), data.getJsonObject(1).getJsonArray("embedding"));
          assertEquals(8, list.getJsonObject("usage").getInteger("prompt_tokens"));
          ctx.completeNow();
        })));
  }

  @Test
  void anthropic_messages_clients_reach_ollama_through_the_bridge(VertxTestContext ctx) {
    JsonObject messages = Requests.messages("chat").user("Hi").put("system", "Be brief.").put("max_tokens", 50).build();
    post("/v1/messages", messages)
        .compose(plain -> {
          ctx.verify(() -> {
            assertEquals(200, plain.statusCode(), plain.bodyAsString());
            JsonObject message = plain.bodyAsJsonObject();
            assertEquals("Hello from llama3.2:3b", message.getJsonArray("content").getJsonObject(0).getString("text"));
            assertEquals(12, message.getJsonObject("usage").getInteger("input_tokens"));
            assertEquals("system", mock.last().body().getJsonArray("messages").getJsonObject(0).getString("role"));
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
