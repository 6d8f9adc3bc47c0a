package dev.switchboard.ingress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.EncodingType;
import dev.switchboard.model.PromptSize;
import dev.switchboard.testing.AnthropicWire;
import dev.switchboard.testing.GatewayExtension;
import dev.switchboard.testing.MockProvider;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Anthropic's count_tokens and LiteLLM's token_counter: exact from Anthropic, a real tokenizer for OpenAI models, else the estimate. */
@ExtendWith(VertxExtension.class)
class CountTokensTest {

  private static final String MASTER = "sk-count-master";

  @RegisterExtension
  final GatewayExtension gw = GatewayExtension.withConfig(m -> """
      model_list:
        - model_name: claude
          litellm_params: {model: anthropic/claude-sonnet-4-5, api_base: "http://127.0.0.1:%1$d", api_key: sk-ant-secret}
        - model_name: gpt
          litellm_params: {model: openai/gpt-4o, api_base: "%2$s", api_key: sk-up}
        - model_name: old-gpt
          litellm_params: {model: openai/gpt-3.5-turbo, api_base: "%2$s", api_key: sk-up}
        - model_name: claude-unkeyed
          litellm_params: {model: anthropic/claude-haiku-4-5, api_base: "http://127.0.0.1:%1$d", api_key: ""}
        - model_name: azure-gpt
          litellm_params: {model: azure/my-deployment, api_base: "%2$s", api_key: sk-up, api_version: "2024-10-21"}
          model_info: {base_model: azure/gpt-4o}
        - model_name: llama
          litellm_params: {model: openai/llama-3-70b, api_base: "%2$s", api_key: sk-up}
      general_settings: {master_key: %3$s}
      """.formatted(m.port(), m.apiBase(), MASTER));

  private static JsonObject hello(String model) {
    return new JsonObject().put("model", model)
        .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", "hello world")));
  }

  private HttpResponse<Buffer> count(String path, String key, JsonObject body) throws Exception {
    return gw.post(path).putHeader("x-api-key", key).putHeader("anthropic-version", "2023-06-01")
        .sendJsonObject(body).toCompletionStage().toCompletableFuture().get();
  }

  @Test
  void an_anthropic_model_is_counted_exactly_by_the_provider_with_only_the_fields_it_takes() throws Exception {
    JsonObject body = hello("claude").put("system", "Be brief.").put("max_tokens", 1024).put("stream", true)
        .put("tools", new JsonArray().add(new JsonObject().put("name", "get_weather")
            .put("input_schema", new JsonObject().put("type", "object"))));
    HttpResponse<Buffer> answer = count("/v1/messages/count_tokens", MASTER, body);
    assertEquals(200, answer.statusCode(), answer.bodyAsString());
    assertEquals(new JsonObject().put("input_tokens", 100 + 7 + 50), answer.bodyAsJsonObject());
    assertEquals("exact", answer.getHeader("x-switchboard-token-count"));
    MockProvider.Received sent = gw.mock().last();
    assertEquals("/v1/messages/count_tokens", sent.uri());
    assertEquals("claude-sonnet-4-5", sent.body().getString("model"));
    assertEquals("sk-ant-secret", sent.headers().get("x-api-key"));
    assertFalse(sent.body().containsKey("max_tokens"), "count_tokens takes no max_tokens: " + sent.body());
  }

  @Test
  void an_openai_model_is_counted_with_its_own_encoding() throws Exception {
    // "hello world" is 2 tokens in o200k_base; a message adds 3 of framing and its role, the reply 3.
    assertEquals(2, Encodings.newDefaultEncodingRegistry().getEncoding(EncodingType.O200K_BASE).countTokens("hello world"));
    HttpResponse<Buffer> answer = count("/messages/count_tokens", MASTER, hello("gpt"));
    assertEquals(200, answer.statusCode(), answer.bodyAsString());
    assertEquals(3 + 1 + 2 + 3, answer.bodyAsJsonObject().getLong("input_tokens"));
    assertEquals("tokenizer", answer.getHeader("x-switchboard-token-count"));
    assertTrue(gw.mock().received().isEmpty(), "no provider is asked to count an OpenAI model");

    String text = "Switchboard counts tokens like tiktoken does.";
    long o200k = Encodings.newDefaultEncodingRegistry().getEncoding(EncodingType.O200K_BASE).countTokens(text);
    long cl100k = Encodings.newDefaultEncodingRegistry().getEncoding(EncodingType.CL100K_BASE).countTokens(text);
    assertEquals(10, o200k);
    assertEquals(9, cl100k, "the two encodings differ on this text, so the right one must be picked");
    HttpResponse<Buffer> utils = count("/utils/token_counter", MASTER, new JsonObject().put("model", "gpt").put("prompt", text));
    assertEquals(200, utils.statusCode(), utils.bodyAsString());
    assertEquals(new JsonObject().put("total_tokens", o200k).put("request_model", "gpt").put("model_used", "gpt-4o")
        .put("tokenizer_type", "openai_tokenizer"), utils.bodyAsJsonObject());
    HttpResponse<Buffer> old = count("/utils/token_counter", MASTER, new JsonObject().put("model", "old-gpt").put("prompt", text));
    assertEquals(cl100k, old.bodyAsJsonObject().getLong("total_tokens"));
    HttpResponse<Buffer> azure = count("/utils/token_counter", MASTER, new JsonObject().put("model", "azure-gpt").put("prompt", text));
    assertEquals(o200k, azure.bodyAsJsonObject().getLong("total_tokens"), "named by model_info.base_model: " + azure.bodyAsString());
  }

  @Test
  void a_model_without_a_known_tokenizer_gets_the_gateways_estimate_labelled() throws Exception {
    JsonObject body = hello("llama");
    HttpResponse<Buffer> answer = count("/v1/messages/count_tokens", MASTER, body);
    assertEquals(200, answer.statusCode(), answer.bodyAsString());
    assertEquals(PromptSize.of(body).tokens(), answer.bodyAsJsonObject().getLong("input_tokens"));
    assertEquals("estimate", answer.getHeader("x-switchboard-token-count"));
    HttpResponse<Buffer> utils = count("/utils/token_counter", MASTER, body);
    assertEquals("switchboard_estimate", utils.bodyAsJsonObject().getString("tokenizer_type"));
  }

  @Test
  void a_provider_that_refuses_the_gateways_own_key_leaves_the_estimate() throws Exception {
    JsonObject body = hello("claude-unkeyed");
    HttpResponse<Buffer> answer = count("/v1/messages/count_tokens", MASTER, body);
    assertEquals(200, answer.statusCode(), answer.bodyAsString());
    assertEquals("estimate", answer.getHeader("x-switchboard-token-count"));
    assertEquals(PromptSize.of(body).tokens(), answer.bodyAsJsonObject().getLong("input_tokens"));
    assertEquals("/v1/messages/count_tokens", gw.mock().last().uri(), "the provider was asked first");
  }

  @Test
  void bad_input_a_bad_key_and_an_unknown_model_get_anthropic_errors() throws Exception {
    HttpResponse<Buffer> noMessages = count("/v1/messages/count_tokens", MASTER, new JsonObject().put("model", "claude"));
    assertEquals(400, noMessages.statusCode());
    JsonObject error = noMessages.bodyAsJsonObject();
    assertEquals("error", error.getString("type"));
    assertEquals("invalid_request_error", error.getJsonObject("error").getString("type"));
    assertEquals("messages", error.getJsonObject("error").getString("param"));

    HttpResponse<Buffer> noModel = count("/v1/messages/count_tokens", MASTER, new JsonObject().put("messages", new JsonArray()));
    assertEquals(400, noModel.statusCode());
    assertEquals("model", noModel.bodyAsJsonObject().getJsonObject("error").getString("param"));

    HttpResponse<Buffer> badKey = count("/v1/messages/count_tokens", "sk-wrong", hello("claude"));
    assertEquals(401, badKey.statusCode());
    assertEquals("authentication_error", badKey.bodyAsJsonObject().getJsonObject("error").getString("type"));

    HttpResponse<Buffer> unknown = count("/v1/messages/count_tokens", MASTER, hello("nope"));
    assertEquals(404, unknown.statusCode());
    assertEquals("not_found_error", unknown.bodyAsJsonObject().getJsonObject("error").getString("type"));

    HttpResponse<Buffer> utils = count("/utils/token_counter", MASTER, new JsonObject().put("model", "gpt"));
    assertEquals(400, utils.statusCode());
    assertEquals("messages", utils.bodyAsJsonObject().getJsonObject("error").getString("param"));
    assertTrue(gw.mock().received().isEmpty(), "nothing reached the provider: " + gw.mock().received());
  }

  @Test
  void the_mock_provider_refuses_fields_anthropic_does_not_take() throws Exception {
    // The strict mock itself: a gateway that forwarded max_tokens would be refused like this.
    HttpResponse<Buffer> direct = gw.client().post(gw.mock().port(), "127.0.0.1", "/v1/messages/count_tokens")
        .putHeader("x-api-key", "k").putHeader("anthropic-version", "2023-06-01")
        .sendJsonObject(hello("claude-sonnet-4-5").put("max_tokens", 5)).toCompletionStage().toCompletableFuture().get();
    assertEquals(400, direct.statusCode());
    assertEquals(107, AnthropicWire.countOf(hello("x").put("system", "s")));
  }
}
