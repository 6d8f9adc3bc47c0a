package dev.switchboard.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.model.Operation;
import dev.switchboard.model.Usage;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** The relay's bounded assembly of a streamed answer into the plain answer's shape. */
class AnswerCollectorTest {

  private static String chunk(JsonObject delta, String finish) {
    return new JsonObject().put("id", "chatcmpl-1").put("object", "chat.completion.chunk").put("created", 7)
        .put("model", "m").put("choices", new JsonArray().add(new JsonObject().put("index", 0).put("delta", delta)
            .put("finish_reason", finish))).encode();
  }

  @Test
  void chat_chunks_with_tool_call_fragments_assemble_into_one_chat_completion() {
    AnswerCollector collector = new AnswerCollector(Operation.CHAT, 10_000);
    collector.add(chunk(new JsonObject().put("role", "assistant").put("content", ""), null));
    collector.add(chunk(new JsonObject().put("tool_calls", new JsonArray().add(new JsonObject().put("index", 0)
        .put("id", "call_1").put("type", "function")
        .put("function", new JsonObject().put("name", "get_weather").put("arguments", "{\"ci")))), null));
    collector.add(chunk(new JsonObject().put("tool_calls", new JsonArray().add(new JsonObject().put("index", 0)
        .put("function", new JsonObject().put("arguments", "ty\":\"Paris\"}")))), null));
    collector.add(chunk(new JsonObject(), "tool_calls"));
    collector.add("[DONE]");
    JsonObject answer = collector.answer(new Usage(3, 4, 7, 0));
    assertEquals("chat.completion", answer.getString("object"));
    JsonObject choice = answer.getJsonArray("choices").getJsonObject(0);
    assertEquals("tool_calls", choice.getString("finish_reason"));
    JsonObject call = choice.getJsonObject("message").getJsonArray("tool_calls").getJsonObject(0);
    assertEquals("call_1", call.getString("id"));
    assertEquals("get_weather", call.getJsonObject("function").getString("name"));
    assertEquals("{\"city\":\"Paris\"}", call.getJsonObject("function").getString("arguments"));
    assertNull(choice.getJsonObject("message").getValue("content"));
    assertEquals(7, answer.getJsonObject("usage").getInteger("total_tokens"), "no usage chunk: the counted usage");
  }

  @Test
  void past_its_bound_the_collector_drops_what_it_held_and_answers_nothing() {
    AnswerCollector collector = new AnswerCollector(Operation.CHAT, 1000);
    for (int i = 0; i < 100; i++) {
      collector.add(chunk(new JsonObject().put("content", "0123456789"), null));
      assertTrue(collector.held() <= 1000, "never more than the bound: " + collector.held());
    }
    assertTrue(collector.overflowed());
    assertEquals(0, collector.held());
    assertNull(collector.answer(Usage.NONE));
  }

  @Test
  void anthropic_events_with_thinking_assemble_into_a_message() {
    AnswerCollector collector = new AnswerCollector(Operation.MESSAGES, 10_000);
    collector.add(new JsonObject().put("type", "message_start").put("message", new JsonObject().put("id", "msg_1")
        .put("type", "message").put("role", "assistant").put("model", "c").put("content", new JsonArray())
        .put("usage", new JsonObject().put("input_tokens", 5).put("output_tokens", 1))).encode());
    collector.add(new JsonObject().put("type", "content_block_start").put("index", 0)
        .put("content_block", new JsonObject().put("type", "thinking").put("thinking", "")).encode());
    collector.add(new JsonObject().put("type", "content_block_delta").put("index", 0)
        .put("delta", new JsonObject().put("type", "thinking_delta").put("thinking", "hmm")).encode());
    collector.add(new JsonObject().put("type", "content_block_delta").put("index", 0)
        .put("delta", new JsonObject().put("type", "signature_delta").put("signature", "sig")).encode());
    collector.add(new JsonObject().put("type", "content_block_start").put("index", 1)
        .put("content_block", new JsonObject().put("type", "text").put("text", "")).encode());
    collector.add(new JsonObject().put("type", "content_block_delta").put("index", 1)
        .put("delta", new JsonObject().put("type", "text_delta").put("text", "Hi")).encode());
    collector.add(new JsonObject().put("type", "message_delta").put("delta", new JsonObject()
        .put("stop_reason", "end_turn").putNull("stop_sequence")).put("usage", new JsonObject().put("output_tokens", 8)).encode());
    JsonObject message = collector.answer(Usage.NONE);
    assertEquals("msg_1", message.getString("id"));
    assertEquals("end_turn", message.getString("stop_reason"));
    assertEquals(new JsonObject().put("type", "thinking").put("thinking", "hmm").put("signature", "sig"),
        message.getJsonArray("content").getJsonObject(0));
    assertEquals("Hi", message.getJsonArray("content").getJsonObject(1).getString("text"));
    assertEquals(5, message.getJsonObject("usage").getInteger("input_tokens"));
    assertEquals(8, message.getJsonObject("usage").getInteger("output_tokens"));
  }
}
