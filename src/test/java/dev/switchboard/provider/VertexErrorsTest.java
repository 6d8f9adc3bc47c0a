package dev.switchboard.provider;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.Gateway;
import dev.switchboard.log.Logs;
import dev.switchboard.testing.GeminiMock;
import dev.switchboard.testing.Gateways;
import dev.switchboard.testing.Requests;
import dev.switchboard.testing.ServiceAccountKeys;
import dev.switchboard.testing.VertexMock;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.security.KeyPair;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Vertex AI's errors, the token endpoint's refusals and token refresh, as LiteLLM's error classes. */
@ExtendWith(VertxExtension.class)
class VertexErrorsTest {

  private VertexMock mock;
  private KeyPair keys;
  private JsonObject account;
  private JsonObject forgedAccount;
  private Gateway gateway;
  private WebClient client;
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
    keys = ServiceAccountKeys.generate();
    mock = new VertexMock(vertx, keys.getPublic(), ServiceAccountKeys.CLIENT_EMAIL);
    client = WebClient.create(vertx);
    mock.start()
        .compose(m -> {
          account = ServiceAccountKeys.keyFile(keys, m.tokenUri(), VertexMock.PROJECT);
          // Same account, a key the endpoint does not know: Google answers 400 invalid_grant.
          forgedAccount = ServiceAccountKeys.keyFile(ServiceAccountKeys.generate(), m.tokenUri(), VertexMock.PROJECT);
          StringBuilder yaml = new StringBuilder("model_list:\n");
          for (String model : List.of("gemini-2.5-flash", GeminiMock.NOT_FOUND, GeminiMock.RATE_LIMITED,
              GeminiMock.TOO_LONG, GeminiMock.BROKEN, GeminiMock.OVERLOADED, GeminiMock.MID_STREAM_ERROR)) {
            yaml.append(deployment(model, model, m.port(), "'" + account.encode() + "'"));
          }
          yaml.append(deployment(VertexMock.CLAUDE_MID_STREAM_ERROR, VertexMock.CLAUDE_MID_STREAM_ERROR, m.port(),
              "'" + account.encode() + "'"));
          yaml.append(deployment("forged", "gemini-2.5-flash", m.port(), "'" + forgedAccount.encode() + "'"));
          yaml.append(deployment("unset", "gemini-2.5-flash", m.port(), "os.environ/NO_VERTEX_CREDENTIALS_SET_HERE"));
          yaml.append("router_settings: {num_retries: 0}\n");
          return Gateways.start(yaml.toString());
        })
        .onComplete(ctx.succeeding(started -> {
          gateway = started;
          ctx.completeNow();
        }));
  }

  private static String deployment(String name, String model, int port, String credentials) {
    return ("  - model_name: %s\n    litellm_params: {model: vertex_ai/%s, vertex_project: %s, vertex_location: global, "
        + "api_base: \"http://127.0.0.1:%d\", vertex_credentials: %s}\n").formatted(name, model, VertexMock.PROJECT, port, credentials);
  }

  @AfterEach
  void stop(VertxTestContext ctx) {
    gatewayLogs.removeHandler(capture);
    client.close();
    Future.join(gateway == null ? Future.succeededFuture() : gateway.close(), mock.stop())
        .onComplete(ctx.succeedingThenComplete());
  }

  private Future<HttpResponse<Buffer>> chat(String model) {
    return client.post(gateway.port(), "127.0.0.1", "/v1/chat/completions").sendJsonObject(Requests.hi(model));
  }

  private static JsonObject error(HttpResponse<Buffer> response) {
    return response.bodyAsJsonObject().getJsonObject("error");
  }

  @Test
  void each_vertex_error_maps_to_its_litellm_class(VertxTestContext ctx) {
    Future.all(List.of(chat(GeminiMock.NOT_FOUND), chat(GeminiMock.RATE_LIMITED), chat(GeminiMock.TOO_LONG),
            chat(GeminiMock.BROKEN), chat(GeminiMock.OVERLOADED)))
        .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
          assertEquals(404, all.<HttpResponse<Buffer>>resultAt(0).statusCode());
          HttpResponse<Buffer> limited = all.resultAt(1);
          assertEquals(429, limited.statusCode());
          assertEquals("rate_limit_error", error(limited).getString("type"));
          assertEquals("7", limited.getHeader("retry-after"), "from Google's RetryInfo (6.2 s), rounded up");
          HttpResponse<Buffer> tooLong = all.resultAt(2);
          assertEquals(400, tooLong.statusCode());
          assertEquals("context_length_exceeded", error(tooLong).getString("code"), tooLong.bodyAsString());
          assertEquals(500, all.<HttpResponse<Buffer>>resultAt(3).statusCode());
          assertEquals(503, all.<HttpResponse<Buffer>>resultAt(4).statusCode());
          String notFound = "/v1/projects/" + VertexMock.PROJECT + "/locations/global/publishers/google/models/"
              + GeminiMock.NOT_FOUND + ":generateContent";
          assertTrue(mock.received().stream().anyMatch(r -> r.uri().equals(notFound)), mock.received().toString());
          ctx.completeNow();
        })));
  }

  @Test
  void a_refused_service_account_is_a_clear_401_without_key_or_token(VertxTestContext ctx) {
    Future<HttpResponse<Buffer>> openAi = chat("forged");
    Future<HttpResponse<Buffer>> anthropic = client.post(gateway.port(), "127.0.0.1", "/v1/messages")
        .sendJsonObject(Requests.hi("forged").put("max_tokens", 10));
    Future.all(openAi, anthropic).onComplete(ctx.succeeding(all -> ctx.verify(() -> {
      HttpResponse<Buffer> first = openAi.result();
      assertEquals(401, first.statusCode(), first.bodyAsString());
      String message = error(first).getString("message");
      assertTrue(message.contains("Google refused the service account " + ServiceAccountKeys.CLIENT_EMAIL), message);
      assertTrue(message.contains("invalid_grant"), message);
      assertEquals(401, anthropic.result().statusCode(), anthropic.result().bodyAsString());
      assertEquals("error", anthropic.result().bodyAsJsonObject().getString("type"));
      String key = forgedAccount.getString("private_key").split("\n")[1];
      for (HttpResponse<Buffer> response : List.of(first, anthropic.result())) {
        assertFalse(response.bodyAsString().contains(key), "the private key is never echoed");
        assertFalse(response.bodyAsString().contains("Invalid JWT Signature"), "the endpoint's own text is not repeated");
      }
      for (LogRecord record : records) {
        String text = record.getMessage() + " " + record.getThrown();
        assertFalse(text.contains(key), text);
        assertFalse(text.contains("ya29."), text);
      }
      assertTrue(mock.received().isEmpty(), "Vertex was not called without a token");
      ctx.completeNow();
    })));
  }

  @Test
  void credentials_from_an_unset_variable_name_the_variable(VertxTestContext ctx) {
    chat("unset").onComplete(ctx.succeeding(response -> ctx.verify(() -> {
      assertEquals(500, response.statusCode());
      assertTrue(response.bodyAsString().contains("NO_VERTEX_CREDENTIALS_SET_HERE"), response.bodyAsString());
      assertEquals(0, mock.tokenRequests());
      ctx.completeNow();
    })));
  }

  @Test
  void a_failure_mid_stream_ends_it_with_an_error_event_and_no_done(VertxTestContext ctx) {
    client.post(gateway.port(), "127.0.0.1", "/v1/chat/completions")
        .sendJsonObject(Requests.chat(GeminiMock.MID_STREAM_ERROR).stream().build())
        .onComplete(ctx.succeeding(response -> ctx.verify(() -> {
          assertEquals(200, response.statusCode());
          String text = response.bodyAsString();
          assertTrue(text.contains("\"content\":\"Hel\""), text);
          assertTrue(text.contains("overloaded"), text);
          assertTrue(text.contains("\"error\""), text);
          assertFalse(text.contains("[DONE]"), text);
          ctx.completeNow();
        })));
  }

  @Test
  void a_claude_stream_failing_on_vertex_ends_with_a_scrubbed_error_event(VertxTestContext ctx) {
    client.post(gateway.port(), "127.0.0.1", "/v1/chat/completions")
        .sendJsonObject(Requests.chat(VertexMock.CLAUDE_MID_STREAM_ERROR).stream().build())
        .onComplete(ctx.succeeding(response -> ctx.verify(() -> {
          assertEquals(200, response.statusCode());
          assertTrue(mock.last().uri().endsWith("/publishers/anthropic/models/" + VertexMock.CLAUDE_MID_STREAM_ERROR
              + ":streamRawPredict"), mock.last().uri());
          String text = response.bodyAsString();
          assertTrue(text.contains("\"content\":\"Hel\""), text);
          assertTrue(text.contains("Overloaded"), text);
          assertFalse(text.contains("sk-provA-0123456789abcdef"), text);
          assertFalse(text.contains("[DONE]"), text);
          ctx.completeNow();
        })));
  }

  @Test
  void the_token_is_refreshed_once_the_clock_passes_the_refresh_point(Vertx vertx, VertxTestContext ctx) {
    AtomicLong now = new AtomicLong(0);
    EntraTokens tokens = new EntraTokens(now::get);
    HttpClient http = vertx.createHttpClient();
    VertexCredentials.ServiceAccount serviceAccount = VertexCredentials.parse(account.encode());
    EntraTokens.Key key = new EntraTokens.Key(serviceAccount.tokenUri(), serviceAccount.privateKeyId(),
        serviceAccount.clientEmail());
    // Each exchange is bounded here, so a hang names the exchange it hung in instead of timing the test out.
    Supplier<Future<EntraTokens.Grant>> fetch = () -> VertexTokenFetch.fetch(http, serviceAccount,
        System.currentTimeMillis() / 1000).timeout(15, java.util.concurrent.TimeUnit.SECONDS)
        .recover(failure -> Future.failedFuture(new AssertionError("token exchange " + (mock.tokenRequests())
            + " with the mock at " + serviceAccount.tokenUri() + " did not complete: " + failure, failure)));
    // On an event loop, as the gateway fetches: the exchange's callbacks then run on the loop that
    // reads the answer, never on a thread that may register for the body after it has gone by.
    vertx.runOnContext(onLoop -> tokens.token(key, fetch)
        .compose(first -> {
          ctx.verify(() -> assertEquals(VertexMock.token(1), first));
          now.set(3599 * 790);
          return tokens.token(key, fetch);
        })
        .compose(cached -> {
          ctx.verify(() -> {
            assertEquals(VertexMock.token(1), cached);
            assertEquals(1, mock.tokenRequests(), "no fetch before the refresh point");
          });
          now.set(3599 * 960);
          return tokens.token(key, fetch);
        })
        .onComplete(ctx.succeeding(refreshed -> ctx.verify(() -> {
          assertEquals(VertexMock.token(2), refreshed);
          assertEquals(2, mock.tokenRequests(), "exactly one refresh");
          http.close();
          ctx.completeNow();
        }))));
  }
}
