package dev.switchboard.ingress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.testing.MockProvider;
import dev.switchboard.testing.GatewayExtension;
import dev.switchboard.testing.Requests;
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

/**
 * Streamed answers are stored once their provider ended them, in the entry form a plain answer
 * uses: a later stream or plain request hits. Streams past {@code max_entry_bytes}, and streams the
 * provider cut, are not stored.
 */
@ExtendWith(VertxExtension.class)
class StreamedAnswerCachingTest {

  private static final String MASTER = "sk-stream-cache";

  @RegisterExtension
  final GatewayExtension gw = GatewayExtension.withConfig(m -> """
      model_list:
        - {model_name: chat, litellm_params: {model: openai/gpt-4o-mini, api_base: "%1$s", api_key: sk-up}}
        - {model_name: big, litellm_params: {model: openai/big, api_base: "%1$s", api_key: sk-up}}
        - {model_name: cut, litellm_params: {model: openai/cut, api_base: "%1$s", api_key: sk-up}}
        - {model_name: claude, litellm_params: {model: anthropic/claude-sonnet-4-5, api_base: "http://127.0.0.1:%2$d", api_key: sk-ant}}
        - {model_name: claude-cut, litellm_params: {model: anthropic/mid-stream-error, api_base: "http://127.0.0.1:%2$d", api_key: sk-ant}}
      general_settings: {master_key: %3$s, database_url: none}
      litellm_settings:
        cache: true
        cache_params: {type: local, max_entry_bytes: 4096}
      """.formatted(m.apiBase(), m.port(), MASTER));

  private <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get();
  }

  private HttpResponse<Buffer> post(String path, JsonObject body) throws Exception {
    return await(gw.post(path).putHeader("Authorization", "Bearer " + MASTER).sendJsonObject(body));
  }

  private int calls() {
    return gw.mock().received().size();
  }

  /** Each SSE event's data, every one checked to be JSON except a final [DONE]. */
  private static List<JsonObject> events(String sse) {
    List<JsonObject> out = new ArrayList<>();
    for (String line : sse.split("\n")) {
      if (line.startsWith("data: ") && !line.equals("data: [DONE]")) {
        out.add(new JsonObject(line.substring(6)));
      }
    }
    return out;
  }

  private static String chatText(List<JsonObject> chunks) {
    StringBuilder text = new StringBuilder();
    for (JsonObject chunk : chunks) {
      JsonArray choices = chunk.getJsonArray("choices", new JsonArray());
      if (!choices.isEmpty() && choices.getJsonObject(0).getJsonObject("delta").getString("content") != null) {
        text.append(choices.getJsonObject(0).getJsonObject("delta").getString("content"));
      }
    }
    return text.toString();
  }

  @Test
  void a_completed_chat_stream_is_stored_and_a_later_stream_or_plain_request_hits() throws Exception {
    JsonObject ask = Requests.chat("chat").user("stream then cache").build();
    HttpResponse<Buffer> streamed = post("/v1/chat/completions", ask.copy().put("stream", true));
    assertEquals(200, streamed.statusCode(), streamed.bodyAsString());
    assertTrue(streamed.bodyAsString().endsWith("data: [DONE]\n\n"));
    String key = streamed.getHeader("x-litellm-cache-key");
    assertNotNull(key);
    assertEquals("tok0 tok1 tok2 ", chatText(events(streamed.bodyAsString())));

    HttpResponse<Buffer> plain = post("/v1/chat/completions", ask);
    assertEquals(200, plain.statusCode(), plain.bodyAsString());
    assertEquals(1, calls(), "the plain request was answered from the streamed entry");
    assertEquals(key, plain.getHeader("x-litellm-cache-key"));
    JsonObject answer = plain.bodyAsJsonObject();
    assertEquals("chat.completion", answer.getString("object"));
    assertEquals("chatcmpl-mock", answer.getString("id"));
    JsonObject message = answer.getJsonArray("choices").getJsonObject(0).getJsonObject("message");
    assertEquals("assistant", message.getString("role"));
    assertEquals("tok0 tok1 tok2 ", message.getString("content"));

    HttpResponse<Buffer> replay = post("/v1/chat/completions", ask.copy().put("stream", true));
    assertEquals(1, calls(), "the second stream was answered from the cache");
    assertEquals(key, replay.getHeader("x-litellm-cache-key"));
    String body = replay.bodyAsString();
    assertTrue(body.endsWith("data: [DONE]\n\n"), body);
    List<JsonObject> chunks = events(body);
    chunks.forEach(chunk -> assertEquals("chat.completion.chunk", chunk.getString("object")));
    assertEquals("tok0 tok1 tok2 ", chatText(chunks));
  }

  @Test
  void a_completed_messages_stream_with_tool_use_is_stored_in_anthropics_message_shape() throws Exception {
    JsonObject ask = Requests.messages("claude").user("weather?").build().put("max_tokens", 64)
        .put("tools", new JsonArray().add(new JsonObject().put("name", "get_weather")
            .put("input_schema", new JsonObject().put("type", "object"))));
    HttpResponse<Buffer> streamed = post("/v1/messages", ask.copy().put("stream", true));
    assertEquals(200, streamed.statusCode(), streamed.bodyAsString());
    assertTrue(streamed.bodyAsString().contains("event: message_stop"));
    String key = streamed.getHeader("x-litellm-cache-key");

    HttpResponse<Buffer> plain = post("/v1/messages", ask);
    assertEquals(200, plain.statusCode(), plain.bodyAsString());
    assertEquals(1, calls(), "answered from the streamed entry");
    assertEquals(key, plain.getHeader("x-litellm-cache-key"));
    JsonObject message = plain.bodyAsJsonObject();
    assertEquals("message", message.getString("type"));
    assertEquals("tool_use", message.getString("stop_reason"));
    JsonArray content = message.getJsonArray("content");
    assertEquals(3, content.size(), content.encode());
    assertEquals("Hello", content.getJsonObject(0).getString("text"));
    assertEquals("Paris", content.getJsonObject(1).getJsonObject("input").getString("city"));
    assertEquals("toolu_02", content.getJsonObject(2).getString("id"));
    assertEquals(9, message.getJsonObject("usage").getInteger("output_tokens"));

    HttpResponse<Buffer> replay = post("/v1/messages", ask.copy().put("stream", true));
    assertEquals(1, calls());
    List<JsonObject> events = events(replay.bodyAsString());
    assertEquals("message_start", events.get(0).getString("type"));
    assertEquals("message_stop", events.get(events.size() - 1).getString("type"));
  }

  @Test
  void a_stream_past_max_entry_bytes_is_relayed_whole_but_not_stored() throws Exception {
    gw.mock().on("big", MockProvider.Behaviour.ok().flooding(64 * 1024));
    JsonObject ask = Requests.chat("big").user("a long one").build().put("stream", true);
    HttpResponse<Buffer> streamed = post("/v1/chat/completions", ask);
    assertEquals(200, streamed.statusCode());
    assertTrue(streamed.bodyAsString().endsWith("data: [DONE]\n\n"), "the client still gets all of it");
    assertTrue(streamed.bodyAsString().length() > 64 * 1024);
    post("/v1/chat/completions", ask);
    assertEquals(2, calls(), "over the bound: nothing was stored");
  }

  @Test
  void streams_the_provider_cut_are_not_stored() throws Exception {
    gw.mock().on("cut", MockProvider.Behaviour.ok().withChunks(5, 0).abortingAfter(2));
    JsonObject ask = Requests.chat("cut").user("cut me").build().put("stream", true);
    HttpResponse<Buffer> first = post("/v1/chat/completions", ask);
    assertFalse(first.statusCode() == 200 && first.bodyAsString().endsWith("data: [DONE]\n\n"),
        "the provider's reset reaches the client as a failure: " + first.bodyAsString());
    post("/v1/chat/completions", ask);
    assertEquals(2, calls(), "a reset stream was not stored");

    JsonObject message = Requests.messages("claude-cut").user("cut me too").build().put("max_tokens", 64)
        .put("stream", true);
    HttpResponse<Buffer> errored = post("/v1/messages", message);
    assertTrue(errored.bodyAsString().contains("event: error"), errored.bodyAsString());
    post("/v1/messages", message);
    assertEquals(4, calls(), "a stream that ended with the provider's error event was not stored");
  }
}
