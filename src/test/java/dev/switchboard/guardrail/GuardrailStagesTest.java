package dev.switchboard.guardrail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.testing.GatewayExtension;
import dev.switchboard.testing.MockProvider;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Guardrails as stages of a chat call: each mode and action, on JSON answers and on streams, selected per request. */
class GuardrailStagesTest {

  private static final String MASTER = "sk-guard-master";

  @RegisterExtension
  final GatewayExtension gw = GatewayExtension.manual();

  private GuardMock provider;

  @BeforeEach
  void start() throws Exception {
    provider = new GuardMock(gw.vertx());
    provider.start().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    String base = provider.apiBase();
    gw.start(new MockProvider(gw.vertx()), m -> """
        model_list:
          - {model_name: echo, litellm_params: {model: openai/echo, api_base: %1$s, api_key: sk-up}}
          - {model_name: leak, litellm_params: {model: "openai/say:Write to jane.doe@example.com today", api_base: %1$s, api_key: sk-up}}
          - {model_name: json-ok, litellm_params: {model: 'openai/say:{"name":"Ann","age":3}', api_base: %1$s, api_key: sk-up}}
          - {model_name: json-extra, litellm_params: {model: 'openai/say:{"name":"Ann","age":"old"}', api_base: %1$s, api_key: sk-up}}
          - {model_name: stream, litellm_params: {model: openai/stream, api_base: %1$s, api_key: sk-up}}
          - {model_name: hold, litellm_params: {model: openai/hold, api_base: %1$s, api_key: sk-up}}
        general_settings: {master_key: %2$s}
        guardrails:
          - guardrail_name: pii-mask
            litellm_params: {guardrail: litellm_content_filter, mode: pre_call, default_on: true,
                             patterns: [{pattern_type: prebuilt, pattern_name: email, action: MASK},
                                        {pattern_type: prebuilt, pattern_name: credit_card, action: BLOCK}]}
          - guardrail_name: no-fruit
            litellm_params: {guardrail: litellm_content_filter, mode: post_call, blocked_words: [{keyword: banana, action: BLOCK}]}
          - guardrail_name: answer-pii
            litellm_params: {guardrail: litellm_content_filter, mode: post_call, entities: [email], action: MASK}
          - guardrail_name: answer-pii-block
            litellm_params: {guardrail: litellm_content_filter, mode: post_call, entities: [email], action: BLOCK}
          - guardrail_name: beside
            litellm_params: {guardrail: litellm_content_filter, mode: during_call, blocked_words: [forbidden]}
          - guardrail_name: audit
            litellm_params: {guardrail: litellm_content_filter, mode: logging_only, blocked_words: [forbidden, banana]}
          - guardrail_name: stream-mask
            litellm_params: {guardrail: litellm_content_filter, mode: post_call, blocked_words: [{keyword: banana, action: MASK}]}
          - guardrail_name: short
            litellm_params: {guardrail: prompt_limits, mode: pre_call, max_messages: 2}
          - guardrail_name: schema-strict
            litellm_params: {guardrail: json_schema, mode: post_call, level: strict,
                             schema: {type: object, properties: {name: {type: string}, age: {type: integer}}, required: [name]}}
          - guardrail_name: schema-moderate
            litellm_params: {guardrail: json_schema, mode: post_call, level: moderate,
                             schema: {type: object, properties: {name: {type: string}, age: {type: integer}}, required: [name]}}
          - guardrail_name: schema-lenient
            litellm_params: {guardrail: json_schema, mode: post_call, level: lenient,
                             schema: {type: object, properties: {age: {type: integer}}}}
        """.formatted(base, MASTER)).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }

  private HttpResponse<Buffer> chat(String model, String text, String... guardrails) throws Exception {
    JsonObject body = new JsonObject().put("model", model)
        .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", text)));
    if (guardrails.length > 0) {
      body.put("guardrails", new JsonArray(java.util.List.of((Object[]) guardrails)));
    }
    return send(body);
  }

  private HttpResponse<Buffer> send(JsonObject body) throws Exception {
    return gw.post("/v1/chat/completions").putHeader("Authorization", "Bearer " + MASTER).sendJsonObject(body)
        .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  private static String content(HttpResponse<Buffer> response) {
    return response.bodyAsJsonObject().getJsonArray("choices").getJsonObject(0).getJsonObject("message").getString("content");
  }

  private static void assertBlocked(HttpResponse<Buffer> response, String guardrail, String reason) {
    assertEquals(400, response.statusCode(), response.bodyAsString());
    JsonObject error = response.bodyAsJsonObject().getJsonObject("error");
    assertEquals("400", error.getString("code"));
    assertTrue(error.getString("message").contains(reason) && error.getString("message").contains(guardrail),
        error.encode());
  }

  @Test
  void a_default_on_pre_call_guardrail_masks_an_email_before_the_provider_sees_it() throws Exception {
    HttpResponse<Buffer> response = chat("echo", "Mail bob@corp.example about it");
    assertEquals(200, response.statusCode(), response.bodyAsString());
    assertEquals("Mail [EMAIL_REDACTED] about it", content(response));
    String sent = provider.received.get(0).getJsonArray("messages").getJsonObject(0).getString("content");
    assertFalse(sent.contains("bob@corp.example"), sent);
    assertEquals("pii-mask", response.getHeader("x-litellm-applied-guardrails"));
  }

  @Test
  void a_card_number_that_passes_luhn_is_blocked_and_no_provider_is_called() throws Exception {
    assertBlocked(chat("echo", "My card is 4111 1111 1111 1111"), "pii-mask", "credit_card");
    assertTrue(provider.received.isEmpty());
    // Not a card: the same digits with a wrong check digit.
    assertEquals(200, chat("echo", "Order 4111 1111 1111 1112").statusCode());
  }

  @Test
  void guardrails_named_in_the_request_run_and_unknown_names_are_refused() throws Exception {
    HttpResponse<Buffer> plain = chat("leak", "hi");
    assertEquals("Write to jane.doe@example.com today", content(plain));
    HttpResponse<Buffer> masked = chat("leak", "hi", "answer-pii");
    assertEquals("Write to [EMAIL_REDACTED] today", content(masked));
    assertEquals("pii-mask,answer-pii", masked.getHeader("x-litellm-applied-guardrails"));
    HttpResponse<Buffer> unknown = chat("echo", "hi", "nope");
    assertEquals(400, unknown.statusCode());
    assertTrue(unknown.bodyAsString().contains("nope"), unknown.bodyAsString());
    assertFalse(provider.received.stream().anyMatch(body -> body.containsKey("guardrails")), "never sent upstream");
  }

  @Test
  void post_call_block_refuses_the_answer() throws Exception {
    assertBlocked(chat("leak", "hi", "answer-pii-block"), "answer-pii-block", "email");
  }

  @Test
  void a_stream_is_ended_with_an_error_event_when_its_window_holds_a_blocked_word() throws Exception {
    JsonObject body = new JsonObject().put("model", "stream").put("stream", true)
        .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", "hi")))
        .put("guardrails", new JsonArray().add("no-fruit"));
    HttpResponse<Buffer> response = send(body);
    assertEquals(200, response.statusCode());
    String sse = response.bodyAsString();
    assertTrue(sse.contains("password "), "the chunks before the word went out: " + sse);
    assertFalse(sse.contains("banana"), sse);
    assertFalse(sse.contains("more "), "nothing after the block: " + sse);
    assertFalse(sse.contains("[DONE]"), sse);
    assertTrue(sse.contains("keyword pattern detected") && sse.contains("no-fruit"), sse);
  }

  @Test
  void a_stream_without_the_word_ends_normally() throws Exception {
    JsonObject body = new JsonObject().put("model", "stream").put("stream", true)
        .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", "hi")))
        .put("guardrails", new JsonArray().add("answer-pii"));
    String sse = send(body).bodyAsString();
    assertTrue(sse.contains("words") && sse.contains("[DONE]"), sse);
  }

  @Test
  void on_a_stream_logging_only_lets_it_through_and_a_mask_ends_it() throws Exception {
    JsonObject body = new JsonObject().put("model", "stream").put("stream", true)
        .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", "hi")))
        .put("guardrails", new JsonArray().add("audit"));
    String logged = send(body).bodyAsString();
    assertTrue(logged.contains("banana") && logged.contains("[DONE]"), logged);
    String masked = send(body.put("guardrails", new JsonArray().add("stream-mask"))).bodyAsString();
    assertFalse(masked.contains("banana") || masked.contains("[DONE]"), masked);
    assertTrue(masked.contains("stream-mask"), masked);
  }

  @Test
  void during_call_cancels_the_provider_call_when_its_check_blocks() throws Exception {
    HttpResponse<Buffer> response = chat("hold", "this is forbidden", "beside");
    assertBlocked(response, "beside", "keyword");
    // The provider had the request and saw its connection closed: it stops generating for nobody.
    provider.cancelled.future().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertTrue(provider.held.future().isComplete());
  }

  @Test
  void during_call_that_passes_lets_the_answer_through() throws Exception {
    HttpResponse<Buffer> response = chat("echo", "all fine", "beside");
    assertEquals(200, response.statusCode(), response.bodyAsString());
    assertEquals("all fine", content(response));
  }

  @Test
  void logging_only_never_blocks_or_masks() throws Exception {
    HttpResponse<Buffer> response = chat("echo", "this is forbidden", "audit");
    assertEquals(200, response.statusCode(), response.bodyAsString());
    assertEquals("this is forbidden", content(response));
  }

  @Test
  void prompt_limits_refuse_too_many_messages() throws Exception {
    JsonArray messages = new JsonArray();
    for (int i = 0; i < 3; i++) {
      messages.add(new JsonObject().put("role", "user").put("content", "m" + i));
    }
    HttpResponse<Buffer> response = send(new JsonObject().put("model", "echo").put("messages", messages)
        .put("guardrails", new JsonArray().add("short")));
    assertBlocked(response, "short", "3 messages");
  }

  @Test
  void json_schema_levels_block_repair_or_only_log() throws Exception {
    assertEquals(200, chat("json-ok", "hi", "schema-strict").statusCode());
    assertBlocked(chat("json-extra", "hi", "schema-strict"), "schema-strict", "$.age must be integer");
    HttpResponse<Buffer> repaired = chat("json-extra", "hi", "schema-moderate");
    assertEquals(200, repaired.statusCode());
    assertEquals(new JsonObject().put("name", "Ann"), new JsonObject(content(repaired)));
    HttpResponse<Buffer> logged = chat("json-extra", "hi", "schema-lenient");
    assertEquals("{\"name\":\"Ann\",\"age\":\"old\"}", content(logged));
    HttpResponse<Buffer> notJson = chat("echo", "plain words", "schema-moderate");
    assertEquals(JsonSchemaCheck.NOT_JSON, content(notJson));
    assertNull(notJson.bodyAsJsonObject().getValue("error"));
  }
}
