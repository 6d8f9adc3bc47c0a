package dev.switchboard.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.ByteBuffer;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** A prompt's size counts everything the provider bills as input, in both request formats. */
class PromptSizeTest {

  private static JsonObject user(Object content) {
    return new JsonObject().put("role", "user").put("content", content);
  }

  private static JsonObject chat(JsonObject... messages) {
    return new JsonObject().put("model", "m").put("messages", new JsonArray(java.util.List.of((Object[]) messages)));
  }

  /** A base64 PNG header of this size: what a data URL or an Anthropic image block carries. */
  private static String png(int width, int height) {
    ByteBuffer head = ByteBuffer.allocate(33).put(new byte[] {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10})
        .putInt(13).put("IHDR".getBytes()).putInt(width).putInt(height);
    return Base64.getEncoder().encodeToString(head.array());
  }

  @Test
  void responses_instructions_and_input_items_count() {
    JsonObject body = new JsonObject().put("model", "m").put("instructions", "i".repeat(400))
        .put("input", new JsonArray()
            .add(new JsonObject().put("role", "user").put("content", new JsonArray()
                .add(new JsonObject().put("type", "input_text").put("text", "u".repeat(400)))))
            .add(new JsonObject().put("type", "function_call").put("call_id", "c").put("name", "f")
                .put("arguments", "a".repeat(400)))
            .add(new JsonObject().put("type", "function_call_output").put("call_id", "c").put("output", "o".repeat(400))));
    assertEquals(400, PromptSize.of(body).tokens());
    assertEquals(100, PromptSize.of(new JsonObject().put("model", "m").put("input", "x".repeat(400))).tokens());
  }

  @Test
  void openai_system_and_developer_messages_count_like_any_other() {
    PromptSize plain = PromptSize.of(chat(user("x".repeat(400))));
    PromptSize withSystem = PromptSize.of(chat(new JsonObject().put("role", "system").put("content", "s".repeat(4000)),
        new JsonObject().put("role", "developer").put("content", new JsonArray()
            .add(new JsonObject().put("type", "text").put("text", "d".repeat(400)))),
        user("x".repeat(400))));
    assertEquals(100, plain.tokens());
    assertEquals(100 + 1000 + 100, withSystem.tokens());
  }

  @Test
  void anthropic_top_level_system_counts_as_a_string_or_as_blocks() {
    JsonObject asString = chat(user("hi")).put("system", "s".repeat(4000));
    JsonObject asBlocks = chat(user("hi")).put("system", new JsonArray()
        .add(new JsonObject().put("type", "text").put("text", "s".repeat(2000)))
        .add(new JsonObject().put("type", "text").put("text", "t".repeat(2000))
            .put("cache_control", new JsonObject().put("type", "ephemeral"))));
    assertEquals(1001, PromptSize.of(asString).tokens());
    assertEquals(1001, PromptSize.of(asBlocks).tokens());
  }

  @Test
  void tool_definitions_and_their_schemas_count_in_both_formats() {
    JsonObject schema = new JsonObject().put("type", "object").put("properties", new JsonObject()
        .put("path", new JsonObject().put("type", "string").put("description", "p".repeat(2000))));
    JsonArray openAi = new JsonArray().add(new JsonObject().put("type", "function")
        .put("function", new JsonObject().put("name", "read").put("parameters", schema)));
    JsonArray anthropic = new JsonArray().add(new JsonObject().put("name", "read").put("input_schema", schema));
    long bare = PromptSize.of(chat(user("hi"))).tokens();
    assertTrue(PromptSize.of(chat(user("hi")).put("tools", openAi)).tokens() >= bare + 500);
    assertTrue(PromptSize.of(chat(user("hi")).put("tools", anthropic)).tokens() >= bare + 500);
    assertTrue(PromptSize.of(chat(user("hi")).put("functions", new JsonArray().add(schema))).tokens() >= bare + 500);
    assertTrue(PromptSize.of(chat(user("hi")).put("response_format", new JsonObject().put("type", "json_schema")
        .put("json_schema", schema))).tokens() >= bare + 500);
  }

  @Test
  void tool_calls_and_tool_results_count_in_both_formats() {
    JsonObject call = new JsonObject().put("role", "assistant").put("tool_calls", new JsonArray().add(new JsonObject()
        .put("id", "c1").put("type", "function").put("function", new JsonObject().put("name", "read")
            .put("arguments", "a".repeat(2000)))));
    JsonObject result = new JsonObject().put("role", "tool").put("tool_call_id", "c1").put("content", "r".repeat(2000));
    assertTrue(PromptSize.of(chat(user("hi"), call, result)).tokens() >= 1000);
    JsonObject use = new JsonObject().put("role", "assistant").put("content", new JsonArray().add(new JsonObject()
        .put("type", "tool_use").put("id", "t1").put("name", "read").put("input", new JsonObject().put("path", "a".repeat(2000)))));
    JsonObject answer = user(new JsonArray().add(new JsonObject().put("type", "tool_result").put("tool_use_id", "t1")
        .put("content", new JsonArray().add(new JsonObject().put("type", "text").put("text", "r".repeat(2000))))));
    assertTrue(PromptSize.of(chat(user("hi"), use, answer)).tokens() >= 1000);
  }

  @Test
  void images_cost_what_the_providers_document() {
    JsonObject low = new JsonObject().put("type", "image_url")
        .put("image_url", new JsonObject().put("url", "https://example.com/a.png").put("detail", "low"));
    JsonObject byUrl = new JsonObject().put("type", "image_url").put("image_url", new JsonObject().put("url", "https://example.com/a.png"));
    JsonObject square = new JsonObject().put("type", "image_url")
        .put("image_url", new JsonObject().put("url", "data:image/png;base64," + png(1024, 1024)));
    JsonObject claude = new JsonObject().put("type", "image").put("source", new JsonObject().put("type", "base64")
        .put("media_type", "image/png").put("data", png(1000, 750)));
    assertEquals(85, PromptSize.of(chat(user(new JsonArray().add(low)))).tokens());
    assertEquals(ImageTokens.UNKNOWN, PromptSize.of(chat(user(new JsonArray().add(byUrl)))).tokens());
    // 1024x1024 -> 768x768: four 512-pixel tiles, 85 + 4 x 170.
    assertEquals(765, PromptSize.of(chat(user(new JsonArray().add(square)))).tokens());
    // 1000 x 750 / 750.
    assertEquals(1000, PromptSize.of(chat(user(new JsonArray().add(claude)))).tokens());
    assertEquals(1600, ImageTokens.anthropic(4000, 4000), "Anthropic caps an image near 1,600 tokens");
    assertEquals(85 + 170 * 8, ImageTokens.openAiHigh(768, 2048));
  }

  @Test
  void completion_prompts_and_embedding_input_count_strings_and_token_ids() {
    assertEquals(10, PromptSize.of(new JsonObject().put("prompt", "x".repeat(40))).tokens());
    assertEquals(10 + 3, PromptSize.of(new JsonObject().put("input", new JsonArray().add("x".repeat(40))
        .add(new JsonArray().add(1).add(2).add(3)))).tokens());
  }

  @Test
  void the_strict_bound_counts_a_token_per_byte_and_each_messages_framing() {
    PromptSize ascii = PromptSize.of(chat(user("x".repeat(40))));
    assertEquals(10, ascii.tokens());
    assertEquals(40 + 4 + 3, ascii.bound());
    PromptSize accented = PromptSize.of(chat(user("é".repeat(40))));
    assertEquals(80 + 4 + 3, accented.bound(), "two UTF-8 bytes each");
    assertTrue(PromptSize.of(chat(user("hi")).put("tools", new JsonArray().add(new JsonObject().put("name", "t"))))
        .bound() > 600, "the tool-use preamble");
  }

  @Test
  void a_schema_counts_about_as_its_json_encoding() {
    JsonObject schema = new JsonObject().put("type", "json_schema").put("strict", true).put("max", 12.5).putNull("none")
        .put("enum", new JsonArray().add("a").add(1).add(new JsonArray().add(false)).add(new JsonObject()));
    assertEquals((schema.encode().length() + 3) / 4, PromptSize.of(new JsonObject().put("response_format", schema)).tokens());
  }
}
