package dev.switchboard.provider;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import dev.switchboard.testing.Requests;
import dev.switchboard.testing.ServiceAccountKeys;
import dev.switchboard.testing.VertexMock;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Gemini and Claude on Vertex AI through OpenAI's and Anthropic's endpoints, with service-account tokens. */
@ExtendWith(VertxExtension.class)
class VertexTest {

  static final String CLAUDE = "claude-3-5-sonnet-v2@20241022";
  private static final String GEMINI_PATH = "/v1/projects/" + VertexMock.PROJECT
      + "/locations/us-east5/publishers/google/models/gemini-2.5-flash";
  private static final String CLAUDE_PATH = "/v1/projects/" + VertexMock.PROJECT
      + "/locations/us-east5/publishers/anthropic/models/" + CLAUDE;

  private VertexMock mock;
  private Gateway gateway;
  private WebClient client;

  @BeforeEach
  void start(Vertx vertx, VertxTestContext ctx, @TempDir Path dir) throws Exception {
    KeyPair keys = ServiceAccountKeys.generate();
    mock = new VertexMock(vertx, keys.getPublic(), ServiceAccountKeys.CLIENT_EMAIL);
    client = WebClient.create(vertx);
    Path keyFile = dir.resolve("service-account.json");
    mock.start()
        .compose(m -> {
          JsonObject account = ServiceAccountKeys.keyFile(keys, m.tokenUri(), VertexMock.PROJECT);
          try {
            Files.writeString(keyFile, account.encodePrettily());
          } catch (java.io.IOException e) {
            return Future.failedFuture(e);
          }
          // The file by path for Gemini (project given), the JSON itself for Claude (project from the file).
          return Gateways.start("""
              model_list:
                - model_name: vgemini
                  litellm_params: {model: vertex_ai/gemini-2.5-flash, vertex_project: %2$s, vertex_location: us-east5, vertex_credentials: "%3$s", api_base: "http://127.0.0.1:%1$d"}
                - model_name: vclaude
                  litellm_params: {model: "vertex_ai/%5$s", vertex_location: us-east5, vertex_credentials: '%4$s', api_base: "http://127.0.0.1:%1$d/"}
                - model_name: vembed
                  litellm_params: {model: vertex_ai/text-embedding-005, vertex_project: %2$s, vertex_location: us-east5, vertex_credentials: "%3$s", api_base: "http://127.0.0.1:%1$d/v1"}
              """.formatted(m.port(), VertexMock.PROJECT, keyFile, account.encode(), CLAUDE));
        })
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
  void gemini_on_vertex_is_called_at_its_project_path_with_the_service_accounts_token(VertxTestContext ctx) {
    post("/v1/chat/completions", GeminiTest.conversation("vgemini")).compose(tools -> {
      ctx.verify(() -> {
        assertEquals(200, tools.statusCode(), tools.bodyAsString());
        VertexMock.Received upstream = mock.last();
        assertEquals(GEMINI_PATH + ":generateContent", upstream.uri());
        assertEquals("Bearer " + VertexMock.token(1), upstream.headers().get("authorization"));
        assertEquals("Be brief.", upstream.body().getJsonObject("systemInstruction").getJsonArray("parts")
            .getJsonObject(0).getString("text"));
        assertEquals("ANY", upstream.body().getJsonObject("toolConfig").getJsonObject("functionCallingConfig").getString("mode"));
        JsonObject choice = tools.bodyAsJsonObject().getJsonArray("choices").getJsonObject(0);
        assertEquals("tool_calls", choice.getString("finish_reason"));
        assertEquals("get_weather", choice.getJsonObject("message").getJsonArray("tool_calls").getJsonObject(0)
            .getJsonObject("function").getString("name"));
      });
      return post("/v1/chat/completions", Requests.hi("vgemini"));
    }).onComplete(ctx.succeeding(plain -> ctx.verify(() -> {
      assertEquals(200, plain.statusCode(), plain.bodyAsString());
      JsonObject completion = plain.bodyAsJsonObject();
      assertEquals("Hello from gemini-2.5-flash", completion.getJsonArray("choices").getJsonObject(0)
          .getJsonObject("message").getString("content"));
      JsonObject usage = completion.getJsonObject("usage");
      assertEquals(12, usage.getInteger("prompt_tokens"));
      assertEquals(9, usage.getInteger("completion_tokens"), "6 answer + 3 thinking tokens");
      // vertex_ai/gemini-2.5-flash: $0.30 / $0.075 cached / $2.50 per million tokens.
      double expected = 8 * 0.30e-6 + 4 * 0.075e-6 + 9 * 2.50e-6;
      assertEquals(expected, Double.parseDouble(plain.getHeader("x-litellm-response-cost")), 1e-12);
      assertEquals(1, mock.tokenRequests(), "the token is cached between requests");
      ctx.completeNow();
    })));
  }

  @Test
  void a_gemini_stream_on_vertex_becomes_openai_chunks_with_usage(VertxTestContext ctx) {
    post("/v1/chat/completions", Requests.chat("vgemini").streamWithUsage().build())
        .onComplete(ctx.succeeding(response -> ctx.verify(() -> {
          assertEquals(GEMINI_PATH + ":streamGenerateContent?alt=sse", mock.last().uri());
          String text = response.bodyAsString();
          assertTrue(text.endsWith("data: [DONE]\n\n"), text);
          List<JsonObject> chunks = GeminiTest.chunks(text);
          StringBuilder content = new StringBuilder();
          for (JsonObject chunk : chunks) {
            JsonArray choices = chunk.getJsonArray("choices");
            if (!choices.isEmpty()) {
              content.append(choices.getJsonObject(0).getJsonObject("delta").getString("content", ""));
            }
          }
          assertEquals("Hello", content.toString());
          JsonObject usage = chunks.get(chunks.size() - 1).getJsonObject("usage");
          assertEquals(20, usage.getInteger("prompt_tokens"));
          assertEquals(9, usage.getInteger("completion_tokens"));
          assertTrue(Double.parseDouble(response.trailers().get("x-litellm-response-cost")) > 0, response.trailers().toString());
          ctx.completeNow();
        })));
  }

  @Test
  void the_openai_sdk_assembles_tool_calls_streamed_by_gemini_on_vertex() {
    OpenAIClient openai = OpenAIOkHttpClient.builder().apiKey("sk-none")
        .baseUrl("http://127.0.0.1:" + gateway.port() + "/v1").maxRetries(0).build();
    try {
      ChatCompletionCreateParams params = ChatCompletionCreateParams.builder().model("vgemini")
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
      for (ChatCompletionMessageToolCall call : calls) {
        assertEquals("get_weather", call.asFunction().function().name());
        assertEquals(new JsonObject().put("city", "Paris").put("unit", "celsius"),
            new JsonObject(call.asFunction().function().arguments()));
      }
      assertEquals(ChatCompletion.Choice.FinishReason.TOOL_CALLS, completion.choices().get(0).finishReason());
    } finally {
      openai.close();
    }
  }

  @Test
  void claude_on_vertex_takes_anthropics_body_without_model_and_answers_in_openai_shape(VertxTestContext ctx) {
    JsonObject request = Requests.hi("vclaude").put("max_tokens", 64);
    post("/v1/chat/completions", request).compose(plain -> {
      ctx.verify(() -> {
        assertEquals(200, plain.statusCode(), plain.bodyAsString());
        VertexMock.Received upstream = mock.last();
        assertEquals(CLAUDE_PATH + ":rawPredict", upstream.uri(), "project from the key file");
        assertEquals("vertex-2023-10-16", upstream.body().getString("anthropic_version"));
        assertFalse(upstream.body().containsKey("model"));
        assertEquals(64, upstream.body().getInteger("max_tokens"));
        assertEquals("Bearer " + VertexMock.token(1), upstream.headers().get("authorization"));
        JsonObject completion = plain.bodyAsJsonObject();
        assertEquals("Hello from " + CLAUDE, completion.getJsonArray("choices").getJsonObject(0)
            .getJsonObject("message").getString("content"));
        assertEquals(16, completion.getJsonObject("usage").getInteger("prompt_tokens"), "12 input + 4 cache reads");
        // vertex_ai/claude-3-5-sonnet-v2@20241022: $3 / $0.30 cached / $15 per million tokens.
        assertEquals(12 * 3e-6 + 4 * 0.3e-6 + 6 * 15e-6, Double.parseDouble(plain.getHeader("x-litellm-response-cost")), 1e-12);
      });
      return post("/v1/chat/completions", request.copy().put("stream", true).put("tools", new JsonArray().add(GeminiTest.WEATHER_TOOL)));
    }).onComplete(ctx.succeeding(streamed -> ctx.verify(() -> {
      assertEquals(200, streamed.statusCode(), streamed.bodyAsString());
      assertEquals(CLAUDE_PATH + ":streamRawPredict", mock.last().uri());
      assertTrue(mock.last().body().getBoolean("stream"));
      String text = streamed.bodyAsString();
      assertTrue(text.endsWith("data: [DONE]\n\n"), text);
      StringBuilder content = new StringBuilder();
      StringBuilder arguments = new StringBuilder();
      for (JsonObject chunk : GeminiTest.chunks(text)) {
        JsonArray choices = chunk.getJsonArray("choices");
        if (choices.isEmpty()) {
          continue;
        }
        JsonObject delta = choices.getJsonObject(0).getJsonObject("delta");
        content.append(delta.getString("content", ""));
        if (delta.getValue("tool_calls") instanceof JsonArray calls && calls.getJsonObject(0).getInteger("index") == 0) {
          arguments.append(calls.getJsonObject(0).getJsonObject("function").getString("arguments", ""));
        }
      }
      assertEquals("Hello", content.toString());
      assertEquals(new JsonObject().put("city", "Paris").put("unit", "celsius"), new JsonObject(arguments.toString()),
          "streamed arguments, fragment by fragment");
      ctx.completeNow();
    })));
  }

  @Test
  void anthropic_messages_clients_reach_claude_on_vertex_as_they_wrote_it(VertxTestContext ctx) {
    JsonObject messages = Requests.messages("vclaude").user("Hi").put("system", "Be brief.").put("max_tokens", 50).build();
    post("/v1/messages", messages).compose(plain -> {
      ctx.verify(() -> {
        assertEquals(200, plain.statusCode(), plain.bodyAsString());
        assertEquals("message", plain.bodyAsJsonObject().getString("type"));
        assertEquals("Hello from " + CLAUDE, plain.bodyAsJsonObject().getJsonArray("content").getJsonObject(0).getString("text"));
        JsonObject sent = mock.last().body();
        assertEquals("Be brief.", sent.getString("system"));
        assertFalse(sent.containsKey("model"));
        assertEquals("vertex-2023-10-16", sent.getString("anthropic_version"));
      });
      return post("/v1/messages", messages.copy().put("stream", true));
    }).onComplete(ctx.succeeding(streamed -> ctx.verify(() -> {
      assertEquals(CLAUDE_PATH + ":streamRawPredict", mock.last().uri());
      String text = streamed.bodyAsString();
      assertTrue(text.startsWith("event: message_start\n"), text);
      assertTrue(text.contains("\"text_delta\""), text);
      assertTrue(text.contains("event: message_stop\n"), text);
      ctx.completeNow();
    })));
  }

  @Test
  void embeddings_go_to_predict_with_token_counts_as_usage(VertxTestContext ctx) {
    post("/v1/embeddings", Requests.embeddings("vembed", "one two", "three").put("dimensions", 4))
        .onComplete(ctx.succeeding(response -> ctx.verify(() -> {
          assertEquals(200, response.statusCode(), response.bodyAsString());
          VertexMock.Received upstream = mock.last();
          assertEquals("/v1/projects/" + VertexMock.PROJECT + "/locations/us-east5/publishers/google/models/"
              + "text-embedding-005:predict", upstream.uri());
          assertEquals(new JsonObject().put("content", "one two"), upstream.body().getJsonArray("instances").getJsonObject(0));
          assertEquals(4, upstream.body().getJsonObject("parameters").getInteger("outputDimensionality"));
          JsonObject list = response.bodyAsJsonObject();
          assertEquals(2, list.getJsonArray("data").size());
          assertEquals(new JsonArray().add(1.0).add(1.1).add(1.2).add(1.3),
              list.getJsonArray("data").getJsonObject(1).getJsonArray("embedding"));
          assertEquals(3, list.getJsonObject("usage").getInteger("prompt_tokens"), "2 + 1 tokens from statistics");
          assertEquals(3 * 0.10e-6, Double.parseDouble(response.getHeader("x-litellm-response-cost")), 1e-12);
          ctx.completeNow();
        })));
  }

  @Test
  void concurrent_requests_share_one_token_fetch(VertxTestContext ctx) {
    List<Future<HttpResponse<Buffer>>> calls = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      JsonObject body = Requests.hi(i % 3 == 0 ? "vclaude" : "vgemini");
      calls.add(post("/v1/chat/completions", i % 2 == 0 ? body.put("stream", true) : body));
    }
    Future.all(calls).onComplete(ctx.succeeding(all -> ctx.verify(() -> {
      for (Future<HttpResponse<Buffer>> call : calls) {
        assertEquals(200, call.result().statusCode(), call.result().bodyAsString());
      }
      assertEquals(1, mock.tokenRequests(), "one service account, one token fetch");
      assertEquals(20, mock.received().size());
      for (VertexMock.Received upstream : mock.received()) {
        assertEquals("Bearer " + VertexMock.token(1), upstream.headers().get("authorization"));
      }
      ctx.completeNow();
    })));
  }

  @Test
  void the_mock_is_strict_about_paths_tokens_and_fields(VertxTestContext ctx) {
    String path = GEMINI_PATH + ":generateContent";
    JsonObject body = new JsonObject().put("contents", new JsonArray());
    Future<HttpResponse<Buffer>> noToken = client.post(mock.port(), "127.0.0.1", path).sendJsonObject(body);
    Future<HttpResponse<Buffer>> wrongToken = client.post(mock.port(), "127.0.0.1", path)
        .putHeader("authorization", "Bearer ya29.forged").sendJsonObject(body);
    Future<HttpResponse<Buffer>> wrongPath = client.post(mock.port(), "127.0.0.1", "/v1beta/models/gemini-2.5-flash:generateContent")
        .sendJsonObject(body);
    Future.all(noToken, wrongToken, wrongPath).onComplete(ctx.succeeding(all -> ctx.verify(() -> {
      assertEquals(401, noToken.result().statusCode());
      assertEquals(401, wrongToken.result().statusCode());
      assertEquals(404, wrongPath.result().statusCode());
      ctx.completeNow();
    })));
  }
}
