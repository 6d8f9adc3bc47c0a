package dev.switchboard.provider;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.errors.GatewayError;
import dev.switchboard.model.StreamTranslator;
import dev.switchboard.model.Usage;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** The Responses API told as chat, for providers without it, and a chat stream told back as Responses events. */
class ResponsesRequestsTest {

  private static JsonObject item(String type) {
    return new JsonObject().put("type", type);
  }

  @Test
  void items_tools_formats_and_limits_become_their_chat_counterparts() {
    JsonObject body = new JsonObject().put("model", "m").put("instructions", "Be brief.")
        .put("input", new JsonArray()
            .add(new JsonObject().put("role", "user").put("content", new JsonArray()
                .add(item("input_text").put("text", "What is this?"))
                .add(item("input_image").put("image_url", "data:image/png;base64,AAAA").put("detail", "low"))))
            .add(new JsonObject().put("type", "message").put("role", "assistant").put("content", new JsonArray()
                .add(item("output_text").put("text", "Let me look."))))
            .add(item("function_call").put("call_id", "c1").put("name", "look").put("arguments", "{\"x\":1}"))
            .add(item("function_call").put("call_id", "c2").put("name", "look").put("arguments", "{\"x\":2}"))
            .add(item("function_call_output").put("call_id", "c1").put("output", "one"))
            .add(item("function_call_output").put("call_id", "c2").put("output", new JsonArray()
                .add(item("input_text").put("text", "two"))))
            .add(item("reasoning").put("summary", new JsonArray())))
        .put("tools", new JsonArray().add(item("function").put("name", "look").put("description", "Looks.")
            .put("parameters", new JsonObject().put("type", "object"))))
        .put("tool_choice", item("function").put("name", "look"))
        .put("text", new JsonObject().put("format", item("json_schema").put("name", "answer")
            .put("schema", new JsonObject().put("type", "object")).put("strict", true)))
        .put("max_output_tokens", 300).put("reasoning", new JsonObject().put("effort", "low"))
        .put("temperature", 0.2).put("stream", true);
    JsonObject chat = ResponsesRequests.toChat(body);
    JsonArray messages = chat.getJsonArray("messages");
    assertEquals(new JsonObject().put("role", "system").put("content", "Be brief."), messages.getJsonObject(0));
    JsonArray user = messages.getJsonObject(1).getJsonArray("content");
    assertEquals(new JsonObject().put("type", "text").put("text", "What is this?"), user.getJsonObject(0));
    assertEquals(new JsonObject().put("type", "image_url").put("image_url", new JsonObject()
        .put("url", "data:image/png;base64,AAAA").put("detail", "low")), user.getJsonObject(1));
    JsonObject assistant = messages.getJsonObject(2);
    assertEquals("Let me look.", assistant.getString("content"));
    assertEquals(2, assistant.getJsonArray("tool_calls").size(), "consecutive calls join the assistant's turn");
    assertEquals(new JsonObject().put("id", "c2").put("type", "function").put("function", new JsonObject()
        .put("name", "look").put("arguments", "{\"x\":2}")), assistant.getJsonArray("tool_calls").getJsonObject(1));
    assertEquals(new JsonObject().put("role", "tool").put("tool_call_id", "c1").put("content", "one"), messages.getJsonObject(3));
    assertEquals("two", messages.getJsonObject(4).getString("content"));
    assertEquals(5, messages.size(), "reasoning items are not sent back");
    assertEquals(new JsonObject().put("type", "function").put("function", new JsonObject().put("name", "look")
        .put("description", "Looks.").put("parameters", new JsonObject().put("type", "object"))),
        chat.getJsonArray("tools").getJsonObject(0));
    assertEquals(new JsonObject().put("type", "function").put("function", new JsonObject().put("name", "look")),
        chat.getJsonObject("tool_choice"));
    assertEquals(new JsonObject().put("type", "json_schema").put("json_schema", new JsonObject().put("name", "answer")
        .put("schema", new JsonObject().put("type", "object")).put("strict", true)), chat.getJsonObject("response_format"));
    assertEquals(300L, chat.getLong("max_tokens"));
    assertEquals("low", chat.getString("reasoning_effort"));
    assertEquals(0.2, chat.getDouble("temperature"));
    assertTrue(chat.getBoolean("stream"));
    assertFalse(chat.containsKey("input"));
  }

  @Test
  void what_a_chat_model_cannot_take_is_a_400_naming_it() {
    GatewayError tool = assertThrows(GatewayError.class, () -> ResponsesRequests.toChat(new JsonObject()
        .put("input", "hi").put("tools", new JsonArray().add(item("web_search")))));
    assertEquals("tools[0].type", tool.param());
    assertEquals(400, tool.status());
    GatewayError previous = assertThrows(GatewayError.class, () -> ResponsesRequests.toChat(new JsonObject()
        .put("input", "hi").put("previous_response_id", "resp_1")));
    assertEquals("previous_response_id", previous.param());
    GatewayError file = assertThrows(GatewayError.class, () -> ResponsesRequests.toChat(new JsonObject()
        .put("input", new JsonArray().add(new JsonObject().put("role", "user").put("content", new JsonArray()
            .add(item("input_image").put("file_id", "file-1")))))));
    assertEquals("input[0].content[0].image_url", file.param());
  }

  /** A chat translator that passes chunks through and reports fixed usage. */
  private static final class Chunks implements StreamTranslator {
    @Override
    public void onEvent(String data, Consumer<String> emit) {
      emit.accept(data);
    }

    @Override
    public Usage usage() {
      return new Usage(5, 3, 8, 1);
    }

    @Override
    public long streamedChars() {
      return 0;
    }
  }

  private static String chunk(JsonObject delta, String finish) {
    return new JsonObject().put("choices", new JsonArray().add(new JsonObject().put("index", 0).put("delta", delta)
        .put("finish_reason", finish))).encode();
  }

  @Test
  void a_chat_stream_becomes_the_responses_event_sequence() {
    ChatToResponsesStream stream = new ChatToResponsesStream(new Chunks(), "group");
    List<JsonObject> events = new ArrayList<>();
    Consumer<String> emit = event -> events.add(new JsonObject(event));
    stream.onEvent(chunk(new JsonObject().put("role", "assistant").put("content", "Hi"), null), emit);
    stream.onEvent(chunk(new JsonObject().put("content", " there"), null), emit);
    stream.onEvent(chunk(new JsonObject().put("tool_calls", new JsonArray().add(new JsonObject().put("index", 0)
        .put("id", "call_1").put("function", new JsonObject().put("name", "f").put("arguments", "{\"a\"")))), null), emit);
    stream.onEvent(chunk(new JsonObject().put("tool_calls", new JsonArray().add(new JsonObject().put("index", 0)
        .put("function", new JsonObject().put("arguments", ":1}")))), "length"), emit);
    stream.onEvent("[DONE]", emit);
    stream.onEvent("[DONE]", emit);
    List<String> types = events.stream().map(e -> e.getString("type")).toList();
    assertEquals(List.of("response.created", "response.in_progress", "response.output_item.added",
        "response.content_part.added", "response.output_text.delta", "response.output_text.delta",
        "response.output_text.done", "response.content_part.done", "response.output_item.done",
        "response.output_item.added", "response.function_call_arguments.delta", "response.function_call_arguments.delta",
        "response.function_call_arguments.done", "response.output_item.done", "response.incomplete"), types);
    for (int i = 0; i < events.size(); i++) {
      assertEquals(i, events.get(i).getInteger("sequence_number"));
    }
    assertEquals("Hi there", events.get(6).getString("text"));
    assertEquals("{\"a\":1}", events.get(12).getString("arguments"));
    JsonObject response = events.get(events.size() - 1).getJsonObject("response");
    assertEquals("incomplete", response.getString("status"));
    assertEquals("max_output_tokens", response.getJsonObject("incomplete_details").getString("reason"));
    JsonArray output = response.getJsonArray("output");
    assertEquals("Hi there", output.getJsonObject(0).getJsonArray("content").getJsonObject(0).getString("text"));
    assertEquals("call_1", output.getJsonObject(1).getString("call_id"));
    assertEquals("{\"a\":1}", output.getJsonObject(1).getString("arguments"));
    assertEquals(new JsonObject().put("input_tokens", 5).put("input_tokens_details", new JsonObject().put("cached_tokens", 1).put("cache_write_tokens", 0))
        .put("output_tokens", 3).put("output_tokens_details", new JsonObject().put("reasoning_tokens", 0))
        .put("total_tokens", 8), response.getJsonObject("usage"));
  }
}
