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
import dev.switchboard.testing.GatewayExtension;
import dev.switchboard.testing.MockProvider;
import dev.switchboard.testing.Requests;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/** OpenAI chat in, Anthropic's Messages API out, and back, against a mock speaking Anthropic's wire format. */
@ExtendWith(VertxExtension.class)
class AnthropicTest {

  @RegisterExtension
  final GatewayExtension gw = GatewayExtension.withConfig(m -> """
      model_list:
        - model_name: claude
          litellm_params: {model: anthropic/claude-sonnet-4-5, api_base: "http://127.0.0.1:%1$d", api_key: sk-ant-secret}
        - model_name: claude-lenient
          litellm_params: {model: anthropic/claude-haiku-4-5, api_base: "http://127.0.0.1:%1$d", api_key: sk-ant-secret, drop_params: true}
      """.formatted(m.port()));

  private static final JsonObject WEATHER_TOOL = new JsonObject().put("type", "function").put("function",
      new JsonObject().put("name", "get_weather").put("description", "Weather in a city")
          .put("parameters", new JsonObject().put("type", "object")
              .put("properties", new JsonObject().put("city", new JsonObject().put("type", "string")))));

  private Future<HttpResponse<Buffer>> chat(JsonObject body) {
    return gw.post("/v1/chat/completions").sendJsonObject(body);
  }

  private static JsonObject conversation(String model) {
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
        .put("tool_choice", "required").put("stop", "END").put("temperature", 0.3).put("top_p", 0.9).put("user", "u-7");
  }

  @Test
  void the_request_is_translated_to_the_messages_api(VertxTestContext ctx) {
    chat(conversation("claude")).onComplete(ctx.succeeding(response -> ctx.verify(() -> {
      assertEquals(200, response.statusCode(), response.bodyAsString());
      MockProvider.Received upstream = gw.mock().last();
      assertEquals("/v1/messages", upstream.uri());
      assertEquals("sk-ant-secret", upstream.headers().get("x-api-key"));
      assertEquals("2023-06-01", upstream.headers().get("anthropic-version"));
      JsonObject body = upstream.body();
      assertEquals("claude-sonnet-4-5", body.getString("model"));
      assertEquals(4096, body.getInteger("max_tokens"), "Anthropic needs max_tokens: LiteLLM's default");
      assertEquals("Be brief.", body.getString("system"));
      JsonArray messages = body.getJsonArray("messages");
      assertEquals(3, messages.size(), messages.encodePrettily());
      JsonArray userBlocks = messages.getJsonObject(0).getJsonArray("content");
      assertEquals("image", userBlocks.getJsonObject(1).getString("type"));
      assertEquals(new JsonObject().put("type", "base64").put("media_type", "image/png").put("data", "iVBORw0KGgo="),
          userBlocks.getJsonObject(1).getJsonObject("source"));
      JsonObject toolUse = messages.getJsonObject(1).getJsonArray("content").getJsonObject(0);
      assertEquals("tool_use", toolUse.getString("type"));
      assertEquals("call_1", toolUse.getString("id"));
      assertEquals(new JsonObject().put("city", "Paris"), toolUse.getJsonObject("input"));
      JsonObject toolResult = messages.getJsonObject(2).getJsonArray("content").getJsonObject(0);
      assertEquals("user", messages.getJsonObject(2).getString("role"));
      assertEquals("tool_result", toolResult.getString("type"));
      assertEquals("call_1", toolResult.getString("tool_use_id"));
      assertEquals("18C and sunny", toolResult.getString("content"));
      JsonObject tool = body.getJsonArray("tools").getJsonObject(0);
      assertEquals("get_weather", tool.getString("name"));
      assertEquals("object", tool.getJsonObject("input_schema").getString("type"));
      assertEquals("any", body.getJsonObject("tool_choice").getString("type"));
      assertEquals(new JsonArray().add("END"), body.getJsonArray("stop_sequences"));
      assertEquals(0.3, body.getDouble("temperature"));
      assertEquals(0.9, body.getDouble("top_p"));
      assertEquals("u-7", body.getJsonObject("metadata").getString("user_id"));
      assertFalse(body.containsKey("stream") || body.containsKey("user") || body.containsKey("stop"));
      ctx.completeNow();
    })));
  }

  @Test
  void the_answer_comes_back_in_openai_shape_with_tool_calls_and_cache_aware_usage(VertxTestContext ctx) {
    chat(conversation("claude")).onComplete(ctx.succeeding(response -> ctx.verify(() -> {
      JsonObject completion = response.bodyAsJsonObject();
      assertEquals("chat.completion", completion.getString("object"));
      JsonObject choice = completion.getJsonArray("choices").getJsonObject(0);
      assertEquals("tool_calls", choice.getString("finish_reason"));
      JsonObject call = choice.getJsonObject("message").getJsonArray("tool_calls").getJsonObject(0);
      assertEquals("toolu_01", call.getString("id"));
      assertEquals("get_weather", call.getJsonObject("function").getString("name"));
      assertEquals(new JsonObject().put("city", "Paris").put("unit", "celsius"),
          new JsonObject(call.getJsonObject("function").getString("arguments")));
      JsonObject usage = completion.getJsonObject("usage");
      assertEquals(16, usage.getInteger("prompt_tokens"), "input plus cached input");
      assertEquals(6, usage.getInteger("completion_tokens"));
      assertEquals(4, usage.getJsonObject("prompt_tokens_details").getInteger("cached_tokens"));
      ctx.completeNow();
    })));
  }

  @Test
  void an_unsupported_parameter_is_refused_by_name_unless_drop_params(VertxTestContext ctx) {
    JsonObject strict = conversation("claude").put("logit_bias", new JsonObject().put("50256", -100));
    JsonObject lenient = conversation("claude-lenient").put("logit_bias", new JsonObject().put("50256", -100));
    chat(strict)
        .compose(refused -> {
          ctx.verify(() -> {
            assertEquals(400, refused.statusCode());
            JsonObject error = refused.bodyAsJsonObject().getJsonObject("error");
            assertEquals("logit_bias", error.getString("param"));
            assertTrue(error.getString("message").contains("drop_params"));
            assertTrue(gw.mock().received().isEmpty());
          });
          return chat(lenient);
        })
        .onComplete(ctx.succeeding(dropped -> ctx.verify(() -> {
          assertEquals(200, dropped.statusCode(), dropped.bodyAsString());
          assertFalse(gw.mock().last().body().containsKey("logit_bias"));
          ctx.completeNow();
        })));
  }

  @Test
  void a_text_stream_becomes_openai_chunks_with_usage_when_asked(VertxTestContext ctx) {
    JsonObject body = Requests.chat("claude").streamWithUsage().build();
    chat(body).onComplete(ctx.succeeding(response -> ctx.verify(() -> {
      List<JsonObject> chunks = new ArrayList<>();
      String text = response.bodyAsString();
      assertTrue(text.endsWith("data: [DONE]\n\n"), text);
      for (String event : text.split("\n\n")) {
        if (!event.equals("data: [DONE]")) {
          chunks.add(new JsonObject(event.substring("data: ".length())));
        }
      }
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
      ctx.completeNow();
    })));
  }

  @Test
  void embeddings_on_an_anthropic_model_are_400(VertxTestContext ctx) {
    gw.post("/v1/embeddings")
        .sendJsonObject(new JsonObject().put("model", "claude").put("input", "x"))
        .onComplete(ctx.succeeding(response -> ctx.verify(() -> {
          assertEquals(400, response.statusCode());
          assertTrue(response.bodyAsString().contains("/embeddings"));
          ctx.completeNow();
        })));
  }

  /** The official SDK assembles the tool calls of our translated Anthropic stream. */
  @Test
  void the_openai_sdk_assembles_streamed_tool_calls() {
    OpenAIClient openai = OpenAIOkHttpClient.builder().apiKey("sk-none")
        .baseUrl("http://127.0.0.1:" + gw.port() + "/v1").maxRetries(0).build();
    try {
      ChatCompletionCreateParams params = ChatCompletionCreateParams.builder().model("claude")
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
      assertEquals("toolu_01", calls.get(0).asFunction().id());
      assertEquals("toolu_02", calls.get(1).asFunction().id());
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
  void the_messages_url_follows_litellm_api_base_conventions() {
    assertEquals("https://api.anthropic.com/v1/messages", AnthropicAdapter.messagesUrl("https://api.anthropic.com"));
    assertEquals("http://h/v1/messages", AnthropicAdapter.messagesUrl("http://h/v1"));
    assertEquals("http://h/v1/messages", AnthropicAdapter.messagesUrl("http://h/v1/messages"));
    assertNull(AnthropicAdapter.finishReason(null));
  }

  @Test
  void a_request_the_gateway_cannot_translate_is_its_own_error_neither_retried_nor_sent(VertxTestContext ctx) {
    // Past validation, but not translatable: an assistant turn whose tool calls are not objects.
    JsonObject odd = conversation("claude");
    odd.getJsonArray("messages").add(new JsonObject().put("role", "assistant").put("tool_calls", new JsonArray().add(1)))
        .add(new JsonObject().put("role", "user").put("content", "And now?"));
    chat(odd)
        .compose(refused -> {
          ctx.verify(() -> {
            assertEquals(500, refused.statusCode(), refused.bodyAsString());
            JsonObject error = refused.bodyAsJsonObject().getJsonObject("error");
            assertEquals("request_not_translatable", error.getString("code"), error.encode());
            assertFalse(error.getString("message").contains("api_base"), "not blamed on the configuration");
            assertFalse(error.getString("message").contains("fallback"), "no fallback would help");
            assertEquals("0", refused.getHeader("x-litellm-attempted-retries"), "the gateway's own error is not retried");
            assertTrue(gw.mock().received().isEmpty());
          });
          return chat(conversation("claude"));
        })
        .onComplete(ctx.succeeding(normal -> ctx.verify(() -> {
          assertEquals(200, normal.statusCode(), normal.bodyAsString());
          ctx.completeNow();
        })));
  }
}
