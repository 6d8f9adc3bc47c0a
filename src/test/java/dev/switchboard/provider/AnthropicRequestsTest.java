package dev.switchboard.provider;

import dev.switchboard.model.Deployment;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.switchboard.config.ConfigLoader;
import dev.switchboard.errors.GatewayError;
import dev.switchboard.routing.ModelRegistry;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** The Anthropic bridge alone: an OpenAI chat body as the Messages API takes it. */
class AnthropicRequestsTest {

  private static final Deployment CLAUDE = ModelRegistry.from(new ConfigLoader(name -> null).parse("""
      model_list:
        - {model_name: claude, litellm_params: {model: anthropic/claude-sonnet-4-20250514, api_key: sk-ant-test}}
      """, "bridge.yaml")).group("claude").deployments().get(0);

  @Test
  void system_tool_calls_and_tool_results_become_messages_api_blocks() {
    JsonObject openAi = new JsonObject().put("model", "claude").put("max_completion_tokens", 77).put("stop", "END")
        .put("user", "end-user-7")
        .put("messages", new JsonArray()
            .add(new JsonObject().put("role", "system").put("content", "Be brief."))
            .add(new JsonObject().put("role", "developer").put("content", "Answer in French."))
            .add(new JsonObject().put("role", "user").put("content", "Weather in Paris?"))
            .add(new JsonObject().put("role", "assistant").put("content", (String) null).put("tool_calls", new JsonArray()
                .add(new JsonObject().put("id", "call_1").put("type", "function").put("function", new JsonObject()
                    .put("name", "weather").put("arguments", "{\"city\":\"Paris\"}")))))
            .add(new JsonObject().put("role", "tool").put("tool_call_id", "call_1").put("content", "18C, sunny")));
    JsonObject messages = AnthropicRequests.messagesBody(CLAUDE, openAi, true);

    assertEquals("claude-sonnet-4-20250514", messages.getString("model"));
    assertEquals(77, messages.getInteger("max_tokens"));
    assertEquals("Be brief.\n\nAnswer in French.", messages.getString("system"));
    assertEquals(new JsonArray().add("END"), messages.getJsonArray("stop_sequences"));
    assertEquals("end-user-7", messages.getJsonObject("metadata").getString("user_id"));
    assertEquals(true, messages.getBoolean("stream"));
    JsonArray turns = messages.getJsonArray("messages");
    assertEquals(3, turns.size(), turns.encodePrettily());
    JsonObject toolUse = turns.getJsonObject(1).getJsonArray("content").getJsonObject(0);
    assertEquals("tool_use", toolUse.getString("type"));
    assertEquals("call_1", toolUse.getString("id"));
    assertEquals("Paris", toolUse.getJsonObject("input").getString("city"));
    JsonObject result = turns.getJsonObject(2).getJsonArray("content").getJsonObject(0);
    assertEquals("user", turns.getJsonObject(2).getString("role"));
    assertEquals("tool_result", result.getString("type"));
    assertEquals("call_1", result.getString("tool_use_id"));
    assertFalse(messages.containsKey("user"), "OpenAI's user field is not sent as is");
  }

  @Test
  void an_unknown_role_or_parameter_is_a_400_naming_it() {
    JsonObject badRole = new JsonObject().put("messages", new JsonArray()
        .add(new JsonObject().put("role", "narrator").put("content", "Once upon a time")));
    GatewayError role = assertThrows(GatewayError.class, () -> AnthropicRequests.messagesBody(CLAUDE, badRole, false));
    assertEquals(400, role.status());
    assertEquals("messages[0].role", role.param());

    JsonObject unsupported = new JsonObject().put("logit_bias", new JsonObject()).put("messages", new JsonArray()
        .add(new JsonObject().put("role", "user").put("content", "hi")));
    GatewayError param = assertThrows(GatewayError.class, () -> AnthropicRequests.messagesBody(CLAUDE, unsupported, false));
    assertEquals(400, param.status());
    assertEquals("logit_bias", param.param());
  }
}
