package dev.switchboard.ingress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.Gateway;
import dev.switchboard.config.ConfigLoader;
import dev.switchboard.config.ServerSettings;
import dev.switchboard.testing.Gateways;
import dev.switchboard.testing.MockProvider;
import dev.switchboard.testing.Requests;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Browser calls from other origins: any origin by default (as LiteLLM), or only those configured. */
@ExtendWith(VertxExtension.class)
class CorsTest {

  private static final String APP = "https://app.example.com";

  private MockProvider mock;
  private WebClient client;
  private final List<Gateway> gateways = new ArrayList<>();

  @BeforeEach
  void start(Vertx vertx, VertxTestContext ctx) {
    mock = new MockProvider(vertx);
    client = WebClient.create(vertx);
    mock.start().onComplete(ctx.succeedingThenComplete());
  }

  @AfterEach
  void stop(VertxTestContext ctx) {
    client.close();
    Gateways.closeAll(gateways).eventually(mock::stop).onComplete(ctx.succeedingThenComplete());
  }

  private Future<Gateway> gateway(String general) {
    return Gateways.start("""
        model_list:
          - {model_name: chat, litellm_params: {model: openai/chat, api_base: "%s", api_key: sk-up}}
        general_settings: {master_key: sk-master-cors%s}
        """.formatted(mock.apiBase(), general)).onSuccess(gateways::add);
  }

  private Future<HttpResponse<Buffer>> preflight(Gateway gateway, String origin) {
    return client.request(HttpMethod.OPTIONS, gateway.port(), "127.0.0.1", "/v1/chat/completions")
        .putHeader("Origin", origin).putHeader("Access-Control-Request-Method", "POST")
        .putHeader("Access-Control-Request-Headers", "authorization, content-type, x-stainless-os").send();
  }

  private Future<HttpResponse<Buffer>> chat(Gateway gateway, String origin) {
    return client.post(gateway.port(), "127.0.0.1", "/v1/chat/completions").putHeader("Origin", origin)
        .putHeader("Authorization", "Bearer sk-master-cors")
        .sendJsonObject(Requests.hi("chat"));
  }

  @Test
  void by_default_any_origin_may_call_without_credentials(VertxTestContext ctx) {
    Gateway[] g = new Gateway[1];
    gateway("").compose(started -> {
          g[0] = started;
          return preflight(started, APP);
        })
        .compose(preflight -> {
          ctx.verify(() -> {
            assertEquals(204, preflight.statusCode(), preflight.bodyAsString());
            assertEquals("*", preflight.getHeader("Access-Control-Allow-Origin"));
            assertTrue(preflight.getHeader("Access-Control-Allow-Methods").contains("POST"));
            assertEquals("authorization, content-type, x-stainless-os", preflight.getHeader("Access-Control-Allow-Headers"));
            assertNull(preflight.getHeader("Access-Control-Allow-Credentials"));
          });
          return chat(g[0], APP);
        })
        .onComplete(ctx.succeeding(answer -> ctx.verify(() -> {
          assertEquals(200, answer.statusCode(), answer.bodyAsString());
          assertEquals("*", answer.getHeader("Access-Control-Allow-Origin"));
          assertTrue(answer.getHeader("Access-Control-Expose-Headers").contains("x-litellm-response-cost"));
          ctx.completeNow();
        })));
  }

  @Test
  void configured_origins_may_call_with_credentials_and_others_are_refused(VertxTestContext ctx) {
    Gateway[] g = new Gateway[1];
    gateway(", cors_allow_origins: [\"" + APP + "\"], cors_allow_credentials: true").compose(started -> {
          g[0] = started;
          return preflight(started, APP);
        })
        .compose(allowed -> {
          ctx.verify(() -> {
            assertEquals(204, allowed.statusCode(), allowed.bodyAsString());
            assertEquals(APP, allowed.getHeader("Access-Control-Allow-Origin"));
            assertEquals("true", allowed.getHeader("Access-Control-Allow-Credentials"));
          });
          return preflight(g[0], "https://evil.example.net");
        })
        .compose(refused -> {
          ctx.verify(() -> {
            assertEquals(403, refused.statusCode(), refused.bodyAsString());
            assertNull(refused.getHeader("Access-Control-Allow-Origin"));
            assertEquals("origin_not_allowed", refused.bodyAsJsonObject().getJsonObject("error").getString("code"));
          });
          return chat(g[0], APP);
        })
        .onComplete(ctx.succeeding(answer -> ctx.verify(() -> {
          assertEquals(200, answer.statusCode(), answer.bodyAsString());
          assertEquals(APP, answer.getHeader("Access-Control-Allow-Origin"));
          ctx.completeNow();
        })));
  }

  @Test
  void credentials_for_any_origin_are_ignored_not_granted_to_every_site() {
    ServerSettings server = parse("{cors_allow_credentials: true}", Map.of());
    assertEquals(List.of("*"), server.corsOrigins());
    assertFalse(server.corsCredentials(), "any origin with credentials would hand every site a visitor's credentials");
  }

  @Test
  void litellms_environment_variables_set_the_origins_when_the_config_does_not() {
    ServerSettings server = parse("{}", Map.of("LITELLM_CORS_ORIGINS", "https://a.example.com, https://b.example.com",
        "LITELLM_CORS_ALLOW_CREDENTIALS", "true"));
    assertEquals(List.of("https://a.example.com", "https://b.example.com"), server.corsOrigins());
    assertTrue(server.corsCredentials());
    assertEquals(List.of("*"), parse("{}", Map.of()).corsOrigins());
  }

  private static ServerSettings parse(String general, Map<String, String> env) {
    return new ConfigLoader(env::get).parse("general_settings: " + general + "\n", "cors.yaml").general().server();
  }
}
