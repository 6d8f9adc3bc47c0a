package dev.switchboard.provider;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.log.Logs;
import dev.switchboard.testing.GatewayExtension;
import dev.switchboard.testing.MockProvider;
import dev.switchboard.testing.Requests;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Azure with Entra ID: a static azure_ad_token, client credentials against a token endpoint mock, and azure_ai/. */
@ExtendWith(VertxExtension.class)
class AzureEntraTest {

  private static final String SECRET = "right-secret-0123456789";
  private static final String WRONG = "wrong-secret-9876543210";

  @RegisterExtension
  final GatewayExtension gw = GatewayExtension.manual();

  private EntraMock entra;
  private final Logger gatewayLogs = Logger.getLogger(Logs.ROOT);
  private final List<LogRecord> records = new CopyOnWriteArrayList<>();
  private final Handler capture = new Handler() {
    @Override
    public void publish(LogRecord record) {
      records.add(record);
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
    }
  };

  @BeforeEach
  void start(Vertx vertx, VertxTestContext ctx) {
    gatewayLogs.addHandler(capture);
    entra = new EntraMock(vertx, "app-id", SECRET);
    entra.start()
        .compose(started -> gw.start(new MockProvider(vertx), m -> """
            model_list:
              - model_name: static-token
                litellm_params: {model: azure/gpt4o-prod, api_base: "http://127.0.0.1:%1$d", azure_ad_token: "os.environ/NO_SUCH_VAR_IS_SET_HERE"}
              - model_name: static-token-literal
                litellm_params: {model: azure/gpt4o-prod, api_base: "http://127.0.0.1:%1$d", azure_ad_token: static-ad-token}
              - model_name: entra
                litellm_params: {model: azure/gpt4o-prod, api_base: "http://127.0.0.1:%1$d", tenant_id: tenant-ok, client_id: app-id, client_secret: %3$s, azure_authority_host: "http://127.0.0.1:%2$d"}
              - model_name: entra-wrong
                litellm_params: {model: azure/gpt4o-prod, api_base: "http://127.0.0.1:%1$d", tenant_id: tenant-bad, client_id: app-id, client_secret: %4$s, azure_authority_host: "http://127.0.0.1:%2$d"}
              - model_name: foundry
                litellm_params: {model: azure_ai/Llama-3.3-70B-Instruct, api_base: "http://127.0.0.1:%1$d/", api_key: foundry-key}
            """.formatted(m.port(), entra.port(), SECRET, WRONG)))
        .onComplete(ctx.succeedingThenComplete());
  }

  @AfterEach
  void stop() {
    gatewayLogs.removeHandler(capture);
    if (entra != null) {
      entra.stop();
    }
  }

  private Future<HttpResponse<Buffer>> chat(String model, boolean stream) {
    JsonObject body = Requests.hi(model);
    if (stream) {
      body.put("stream", true);
    }
    return gw.post("/v1/chat/completions").sendJsonObject(body);
  }

  @Test
  void a_static_azure_ad_token_is_sent_as_a_bearer_without_api_key(VertxTestContext ctx) {
    chat("static-token-literal", false).onComplete(ctx.succeeding(response -> ctx.verify(() -> {
      assertEquals(200, response.statusCode(), response.bodyAsString());
      MockProvider.Received upstream = gw.mock().last();
      assertEquals("Bearer static-ad-token", upstream.headers().get("authorization"));
      assertNull(upstream.headers().get("api-key"));
      assertEquals(0, entra.requests());
      ctx.completeNow();
    })));
  }

  @Test
  void an_azure_ad_token_from_an_unset_variable_names_the_variable(VertxTestContext ctx) {
    chat("static-token", false).onComplete(ctx.succeeding(response -> ctx.verify(() -> {
      assertEquals(500, response.statusCode());
      assertTrue(response.bodyAsString().contains("NO_SUCH_VAR_IS_SET_HERE"), response.bodyAsString());
      assertTrue(gw.mock().received().isEmpty());
      ctx.completeNow();
    })));
  }

  @Test
  void client_credentials_are_fetched_once_for_many_concurrent_requests(VertxTestContext ctx) {
    List<Future<HttpResponse<Buffer>>> calls = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      calls.add(chat("entra", i % 2 == 0));
    }
    Future.all(calls).onComplete(ctx.succeeding(all -> ctx.verify(() -> {
      for (Future<HttpResponse<Buffer>> call : calls) {
        assertEquals(200, call.result().statusCode(), call.result().bodyAsString());
      }
      assertEquals(1, entra.requests(), "one token fetch for all requests");
      assertEquals(20, gw.mock().received().size());
      for (MockProvider.Received upstream : gw.mock().received()) {
        assertEquals("Bearer " + EntraMock.token("tenant-ok", 1), upstream.headers().get("authorization"));
        assertNull(upstream.headers().get("api-key"));
        assertTrue(upstream.uri().startsWith("/openai/deployments/gpt4o-prod/chat/completions"), upstream.uri());
      }
      ctx.completeNow();
    })));
  }

  @Test
  void the_token_is_refreshed_from_the_endpoint_once_the_clock_passes_the_refresh_point(Vertx vertx, VertxTestContext ctx) {
    AtomicLong now = new AtomicLong(0);
    EntraTokens tokens = new EntraTokens(now::get);
    HttpClient client = vertx.createHttpClient();
    EntraTokens.Key key = new EntraTokens.Key(EntraTokenFetch.tokenUrl("http://127.0.0.1:" + entra.port(), "tenant-r"),
        "tenant-r", "app-id");
    Supplier<Future<EntraTokens.Grant>> fetch = () -> EntraTokenFetch.fetch(client, key, SECRET);
    tokens.token(key, fetch)
        .compose(first -> {
          ctx.verify(() -> assertEquals(EntraMock.token("tenant-r", 1), first));
          now.set(3599 * 790);
          return tokens.token(key, fetch);
        })
        .compose(cached -> {
          ctx.verify(() -> {
            assertEquals(EntraMock.token("tenant-r", 1), cached);
            assertEquals(1, entra.requests(), "no fetch before the refresh point");
          });
          now.set(3599 * 810);
          return tokens.token(key, fetch);
        })
        .compose(stillOld -> {
          ctx.verify(() -> assertEquals(EntraMock.token("tenant-r", 1), stillOld, "served while the refresh runs"));
          now.set(3599 * 960);
          return tokens.token(key, fetch);
        })
        .onComplete(ctx.succeeding(refreshed -> ctx.verify(() -> {
          assertEquals(EntraMock.token("tenant-r", 2), refreshed);
          assertEquals(2, entra.requests(), "exactly one refresh");
          client.close();
          ctx.completeNow();
        })));
  }

  @Test
  void a_refused_secret_is_a_clear_401_in_the_callers_format_without_the_secret(VertxTestContext ctx) {
    Future<HttpResponse<Buffer>> openAi = chat("entra-wrong", false);
    Future<HttpResponse<Buffer>> anthropic = gw.post("/v1/messages")
        .sendJsonObject(Requests.hi("entra-wrong").put("max_tokens", 10));
    Future.all(openAi, anthropic).onComplete(ctx.succeeding(all -> ctx.verify(() -> {
      HttpResponse<Buffer> first = openAi.result();
      assertEquals(401, first.statusCode(), first.bodyAsString());
      JsonObject error = first.bodyAsJsonObject().getJsonObject("error");
      assertTrue(error.getString("message").contains("Entra ID refused the client credentials of tenant_id tenant-bad"),
          error.getString("message"));
      assertTrue(error.getString("message").contains("invalid_client"), error.getString("message"));
      HttpResponse<Buffer> second = anthropic.result();
      assertEquals(401, second.statusCode(), second.bodyAsString());
      assertEquals("error", second.bodyAsJsonObject().getString("type"));
      for (HttpResponse<Buffer> response : List.of(first, second)) {
        assertFalse(response.bodyAsString().contains(WRONG), response.bodyAsString());
        assertFalse(response.bodyAsString().contains("description-with-echo"), "the endpoint's own text is not repeated");
      }
      assertTrue(entra.requests() >= 1);
      assertTrue(gw.mock().received().isEmpty(), "Azure OpenAI was not called without a token");
      for (LogRecord record : records) {
        String text = record.getMessage() + " " + record.getThrown();
        assertFalse(text.contains(WRONG), text);
      }
      ctx.completeNow();
    })));
  }

  @Test
  void azure_ai_chat_goes_to_chat_completions_with_its_key(VertxTestContext ctx) {
    chat("foundry", false)
        .compose(plain -> {
          ctx.verify(() -> {
            assertEquals(200, plain.statusCode(), plain.bodyAsString());
            MockProvider.Received upstream = gw.mock().last();
            assertEquals("/chat/completions", upstream.uri());
            assertEquals("foundry-key", upstream.headers().get("api-key"));
            assertEquals("Bearer foundry-key", upstream.headers().get("authorization"));
            assertEquals("Llama-3.3-70B-Instruct", upstream.body().getString("model"));
          });
          return chat("foundry", true);
        })
        .onComplete(ctx.succeeding(streamed -> ctx.verify(() -> {
          assertEquals(200, streamed.statusCode(), streamed.bodyAsString());
          assertTrue(streamed.bodyAsString().endsWith("data: [DONE]\n\n"), streamed.bodyAsString());
          MockProvider.Received upstream = gw.mock().last();
          assertEquals("/chat/completions", upstream.uri());
          assertTrue(upstream.body().getBoolean("stream"));
          assertFalse(upstream.body().containsKey("stream_options"), "not sent to Foundry endpoints");
          assertEquals("Bearer foundry-key", upstream.headers().get("authorization"));
          ctx.completeNow();
        })));
  }
}
