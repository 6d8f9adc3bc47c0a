package dev.switchboard.provider;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.Gateway;
import dev.switchboard.testing.GeminiMock;
import dev.switchboard.testing.Gateways;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@code /v1/responses} for a Gemini deployment: translated to chat, then to Gemini's API, and back. */
@ExtendWith(VertxExtension.class)
class GeminiResponsesTest {

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

  private Future<HttpResponse<Buffer>> post(JsonObject body) {
    return client.post(gateway.port(), "127.0.0.1", "/v1/responses").sendJsonObject(body);
  }

  @Test
  void instructions_schema_and_limit_reach_gemini_and_a_response_comes_back(VertxTestContext ctx) {
    JsonObject schema = new JsonObject().put("type", "object")
        .put("properties", new JsonObject().put("greeting", new JsonObject().put("type", "string")));
    post(new JsonObject().put("model", "gemini").put("instructions", "Be brief.").put("input", "hi")
        .put("max_output_tokens", 50).put("text", new JsonObject().put("format", new JsonObject()
            .put("type", "json_schema").put("name", "greeting").put("schema", schema))))
        .onComplete(ctx.succeeding(response -> ctx.verify(() -> {
          assertEquals(200, response.statusCode(), response.bodyAsString());
          JsonObject body = mock.last().body();
          assertEquals("Be brief.", body.getJsonObject("systemInstruction").getJsonArray("parts").getJsonObject(0).getString("text"));
          JsonObject config = body.getJsonObject("generationConfig");
          assertEquals(50, config.getInteger("maxOutputTokens"));
          assertEquals("application/json", config.getString("responseMimeType"));
          JsonObject answer = response.bodyAsJsonObject();
          assertEquals("response", answer.getString("object"));
          assertEquals("completed", answer.getString("status"));
          assertEquals("Hello from gemini-2.5-flash", answer.getJsonArray("output").getJsonObject(0)
              .getJsonArray("content").getJsonObject(0).getString("text"));
          assertEquals(12, answer.getJsonObject("usage").getInteger("input_tokens"));
          assertEquals(3, answer.getJsonObject("usage").getJsonObject("output_tokens_details").getInteger("reasoning_tokens"));
          ctx.completeNow();
        })));
  }

  @Test
  void a_stream_ends_with_response_completed_carrying_the_text_and_usage(VertxTestContext ctx) {
    post(new JsonObject().put("model", "gemini").put("input", "hi").put("stream", true))
        .onComplete(ctx.succeeding(response -> ctx.verify(() -> {
          String text = response.bodyAsString();
          assertTrue(text.startsWith("event: response.created\n"), text);
          String[] blocks = text.trim().split("\n\n");
          String last = blocks[blocks.length - 1];
          assertTrue(last.startsWith("event: response.completed\n"), text);
          JsonObject completed = new JsonObject(last.substring(last.indexOf("data: ") + 6)).getJsonObject("response");
          assertEquals("Hello", completed.getJsonArray("output").getJsonObject(0).getJsonArray("content")
              .getJsonObject(0).getString("text"));
          assertEquals(20, completed.getJsonObject("usage").getInteger("input_tokens"));
          assertEquals(9, completed.getJsonObject("usage").getInteger("output_tokens"));
          ctx.completeNow();
        })));
  }
}
