package dev.switchboard.guardrail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.testing.GatewayExtension;
import dev.switchboard.testing.MockProvider;
import dev.switchboard.testing.TestDatabase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Guardrails chosen by a virtual key ({@code guardrails} on /key/generate) and by its team ({@code metadata.guardrails}). */
class GuardrailSelectionTest {

  private static final String MASTER = "sk-guard-select-master";

  @RegisterExtension
  final GatewayExtension gw = GatewayExtension.manual();

  private ServiceMock services;

  @BeforeEach
  void start() throws Exception {
    GuardMock provider = new GuardMock(gw.vertx());
    provider.start().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    services = new ServiceMock(gw.vertx());
    services.start().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    gw.start(new MockProvider(gw.vertx()), m -> """
        model_list:
          - {model_name: echo, litellm_params: {model: openai/echo, api_base: %1$s, api_key: sk-up}}
        general_settings: {master_key: %2$s, database_url: "%3$s"}
        guardrails:
          - guardrail_name: no-secrets
            litellm_params: {guardrail: hide-secrets, mode: pre_call}
          - guardrail_name: no-cards
            litellm_params: {guardrail: litellm_content_filter, mode: [pre_call], entities: [credit_card], action: BLOCK}
          - guardrail_name: policy
            litellm_params: {guardrail: generic_guardrail_api, mode: pre_call, api_base: %4$s, api_key: %5$s}
        """.formatted(provider.apiBase(), MASTER, TestDatabase.newDatabaseUrl(), services.base(), ServiceMock.KEY))
        .toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }

  private HttpResponse<Buffer> post(String path, String bearer, JsonObject body) throws Exception {
    return gw.post(path).putHeader("Authorization", "Bearer " + bearer).sendJsonObject(body)
        .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  private HttpResponse<Buffer> chat(String key, String text) throws Exception {
    return post("/v1/chat/completions", key, new JsonObject().put("model", "echo")
        .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", text))));
  }

  private static String content(HttpResponse<Buffer> response) {
    assertEquals(200, response.statusCode(), response.bodyAsString());
    return response.bodyAsJsonObject().getJsonArray("choices").getJsonObject(0).getJsonObject("message").getString("content");
  }

  @Test
  void a_keys_guardrails_field_is_kept_in_its_metadata_and_runs_on_its_requests() throws Exception {
    HttpResponse<Buffer> generated = post("/key/generate", MASTER, new JsonObject()
        .put("guardrails", new JsonArray().add("no-secrets")).put("metadata", new JsonObject().put("owner", "ops")));
    assertEquals(200, generated.statusCode(), generated.bodyAsString());
    JsonObject metadata = generated.bodyAsJsonObject().getJsonObject("metadata");
    assertEquals(new JsonObject().put("owner", "ops").put("guardrails", new JsonArray().add("no-secrets")), metadata);
    String key = generated.bodyAsJsonObject().getString("key");
    String secret = "sk-proj-Abcdefghijklmnopqrstuvwxyz0123456789";
    HttpResponse<Buffer> masked = chat(key, "use " + secret);
    assertEquals("use [API_KEY_REDACTED]", content(masked));
    assertEquals("no-secrets", masked.getHeader("x-litellm-applied-guardrails"));
    // Another key (here the master key) runs none.
    assertEquals("use " + secret, content(chat(MASTER, "use " + secret)));
  }

  @Test
  void a_teams_metadata_guardrails_run_on_its_keys_requests() throws Exception {
    HttpResponse<Buffer> team = post("/team/new", MASTER, new JsonObject().put("team_alias", "payments")
        .put("metadata", new JsonObject().put("guardrails", new JsonArray().add("no-cards"))));
    assertEquals(200, team.statusCode(), team.bodyAsString());
    String teamId = team.bodyAsJsonObject().getString("team_id");
    String key = post("/key/generate", MASTER, new JsonObject().put("team_id", teamId)).bodyAsJsonObject().getString("key");
    HttpResponse<Buffer> refused = chat(key, "card 5555 5555 5555 4444");
    assertEquals(400, refused.statusCode(), refused.bodyAsString());
    assertTrue(refused.bodyAsString().contains("no-cards"), refused.bodyAsString());
    assertEquals("hello", content(chat(key, "hello")));
  }

  @Test
  void the_generic_guardrail_api_is_told_which_key_team_and_end_user_call() throws Exception {
    String teamId = post("/team/new", MASTER, new JsonObject().put("team_alias", "risk")).bodyAsJsonObject()
        .getString("team_id");
    String key = post("/key/generate", MASTER, new JsonObject().put("team_id", teamId).put("key_alias", "svc-a")
        .put("user_id", "u-1").put("guardrails", new JsonArray().add("policy"))).bodyAsJsonObject().getString("key");
    assertEquals("hello", content(post("/v1/chat/completions", key, new JsonObject().put("model", "echo")
        .put("user", "end-7").put("messages", new JsonArray().add(new JsonObject().put("role", "user")
            .put("content", "hello"))))));
    JsonObject data = services.received.get("/beta/litellm_basic_guardrail_api").get(0).getJsonObject("request_data");
    assertEquals("svc-a", data.getString("user_api_key_alias"));
    assertEquals(teamId, data.getString("user_api_key_team_id"));
    assertEquals("u-1", data.getString("user_api_key_user_id"));
    assertEquals("end-7", data.getString("user_api_key_end_user_id"));
    assertEquals(64, data.getString("user_api_key_hash").length(), "the key's SHA-256, never the key");
    assertFalse(data.encode().contains(key));
    assertEquals(java.util.List.of(), services.violations);
  }

  @Test
  void updating_a_keys_guardrails_without_its_metadata_is_refused() throws Exception {
    String key = post("/key/generate", MASTER, new JsonObject()).bodyAsJsonObject().getString("key");
    HttpResponse<Buffer> update = post("/key/update", MASTER, new JsonObject().put("key", key)
        .put("guardrails", new JsonArray().add("no-cards")));
    assertEquals(400, update.statusCode(), update.bodyAsString());
    assertEquals("guardrails", update.bodyAsJsonObject().getJsonObject("error").getString("param"));
  }
}
