package dev.switchboard.provider;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.config.EnvValue;
import dev.switchboard.config.ModelInfo;
import dev.switchboard.errors.GatewayError;
import dev.switchboard.model.Deployment;
import dev.switchboard.model.Usage;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The OpenAI → Gemini request translation and the Gemini → OpenAI answer pieces, without a network. */
class GeminiRequestsTest {

  private static Deployment deployment(boolean dropParams) {
    return new Deployment("d1", "gemini", Providers.resolve("gemini/gemini-2.5-flash", "t").provider(), "gemini-2.5-flash",
        EnvValue.of("http://127.0.0.1:1"), EnvValue.of("AIza-k"), EnvValue.ABSENT, 1, 1000, 1000, dropParams, null,
        ModelInfo.EMPTY, null, null, null, Deployment.NO_ORDER, List.of(), null);
  }

  private static JsonObject translate(JsonObject openAi) {
    return GeminiRequests.generateContent(deployment(false), openAi);
  }

  private static JsonObject user(Object content) {
    return new JsonObject().put("role", "user").put("content", content);
  }

  private static JsonObject chat(JsonObject... messages) {
    return new JsonObject().put("model", "gemini").put("messages", new JsonArray(List.of((Object[]) messages)));
  }

  @Test
  void json_schema_answers_become_response_schema_without_the_keywords_gemini_refuses() {
    JsonObject schema = new JsonObject().put("type", "object").put("additionalProperties", false)
        .put("properties", new JsonObject().put("strict", new JsonObject().put("type", "boolean")));
    JsonObject body = translate(chat(user("Hi")).put("response_format", new JsonObject().put("type", "json_schema")
        .put("json_schema", new JsonObject().put("name", "answer").put("strict", true).put("schema", schema))));
    JsonObject config = body.getJsonObject("generationConfig");
    assertEquals("application/json", config.getString("responseMimeType"));
    JsonObject sent = config.getJsonObject("responseSchema");
    assertFalse(sent.containsKey("additionalProperties"));
    assertTrue(sent.getJsonObject("properties").containsKey("strict"), "a property may be called strict");
    assertEquals("application/json", translate(chat(user("Hi")).put("response_format", new JsonObject().put("type", "json_object")))
        .getJsonObject("generationConfig").getString("responseMimeType"));
  }

  @Test
  void reasoning_effort_becomes_a_thinking_budget() {
    assertEquals(new JsonObject().put("thinkingBudget", 1024).put("includeThoughts", true),
        translate(chat(user("Hi")).put("reasoning_effort", "low")).getJsonObject("generationConfig").getJsonObject("thinkingConfig"));
    assertEquals(new JsonObject().put("thinkingBudget", 0),
        translate(chat(user("Hi")).put("reasoning_effort", "none")).getJsonObject("generationConfig").getJsonObject("thinkingConfig"));
  }

  @Test
  void tool_choice_maps_to_function_calling_config() {
    JsonArray tools = new JsonArray().add(GeminiTest.WEATHER_TOOL);
    JsonObject named = translate(chat(user("Hi")).put("tools", tools).put("tool_choice", new JsonObject().put("type", "function")
        .put("function", new JsonObject().put("name", "get_weather"))));
    JsonObject config = named.getJsonObject("toolConfig").getJsonObject("functionCallingConfig");
    assertEquals("ANY", config.getString("mode"));
    assertEquals(new JsonArray().add("get_weather"), config.getJsonArray("allowedFunctionNames"));
    assertEquals("NONE", translate(chat(user("Hi")).put("tools", tools).put("tool_choice", "none"))
        .getJsonObject("toolConfig").getJsonObject("functionCallingConfig").getString("mode"));
    assertNull(translate(chat(user("Hi")).put("tools", tools)).getValue("toolConfig"), "Gemini's default is AUTO");
  }

  @Test
  void parallel_tool_results_are_one_user_turn_and_developer_messages_join_the_system_instruction() {
    JsonObject assistant = new JsonObject().put("role", "assistant").put("tool_calls", new JsonArray()
        .add(call("c1", "get_weather")).add(call("c2", "get_time")));
    JsonObject body = translate(chat(new JsonObject().put("role", "system").put("content", "One."),
        new JsonObject().put("role", "developer").put("content", "Two."), user("Hi"), assistant,
        new JsonObject().put("role", "tool").put("tool_call_id", "c1").put("content", "{\"temp\":18}"),
        new JsonObject().put("role", "tool").put("tool_call_id", "c2").put("content", "noon"))
        .put("max_tokens", 10).put("max_completion_tokens", 20));
    assertEquals("One.\n\nTwo.", body.getJsonObject("systemInstruction").getJsonArray("parts").getJsonObject(0).getString("text"));
    JsonArray contents = body.getJsonArray("contents");
    assertEquals(3, contents.size());
    JsonArray results = contents.getJsonObject(2).getJsonArray("parts");
    assertEquals(2, results.size());
    assertEquals(new JsonObject().put("temp", 18), results.getJsonObject(0).getJsonObject("functionResponse").getJsonObject("response"));
    assertEquals("get_time", results.getJsonObject(1).getJsonObject("functionResponse").getString("name"));
    assertEquals(20, body.getJsonObject("generationConfig").getInteger("maxOutputTokens"), "max_completion_tokens wins");
  }

  private static JsonObject call(String id, String name) {
    return new JsonObject().put("id", id).put("type", "function")
        .put("function", new JsonObject().put("name", name).put("arguments", "{}"));
  }

  @Test
  void what_gemini_cannot_take_is_a_400_naming_it() {
    GatewayError link = assertThrows(GatewayError.class, () -> translate(chat(user(new JsonArray().add(new JsonObject()
        .put("type", "image_url").put("image_url", new JsonObject().put("url", "https://example.com/cat.png")))))));
    assertEquals(400, link.status());
    assertTrue(link.getMessage().contains("data:"), link.getMessage());
    GatewayError orphan = assertThrows(GatewayError.class, () -> translate(chat(user("Hi"),
        new JsonObject().put("role", "tool").put("tool_call_id", "nope").put("content", "x"))));
    assertTrue(orphan.getMessage().contains("nope"), orphan.getMessage());
    GatewayError many = assertThrows(GatewayError.class, () -> translate(chat(user("Hi")).put("n", 2)));
    assertEquals("n", many.param());
    JsonObject dropped = GeminiRequests.generateContent(deployment(true), chat(user("Hi")).put("logit_bias", new JsonObject()));
    assertEquals(List.of("contents"), new ArrayList<>(dropped.fieldNames()));
  }

  @Test
  void finish_reasons_and_usage_follow_litellm() {
    assertEquals("stop", GeminiAnswers.finishReason("STOP", false, false));
    assertEquals("tool_calls", GeminiAnswers.finishReason("STOP", true, false));
    assertEquals("length", GeminiAnswers.finishReason("MAX_TOKENS", false, false));
    for (String filtered : List.of("SAFETY", "RECITATION", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII")) {
      assertEquals("content_filter", GeminiAnswers.finishReason(filtered, false, false));
    }
    assertEquals("content_filter", GeminiAnswers.finishReason(null, false, true));
    assertEquals(new Usage(100, 30, 130, 40), GeminiAnswers.usage(new JsonObject().put("promptTokenCount", 100)
        .put("candidatesTokenCount", 20).put("thoughtsTokenCount", 10).put("cachedContentTokenCount", 40).put("totalTokenCount", 130)));
    assertEquals(Usage.NONE, GeminiAnswers.usage(null));
  }

  @Test
  void api_base_is_the_host_as_in_litellm() {
    assertEquals("https://generativelanguage.googleapis.com/v1beta", GeminiAdapter.versioned("https://generativelanguage.googleapis.com"));
    assertEquals("http://h/v1beta", GeminiAdapter.versioned("http://h/v1beta"));
  }
}
