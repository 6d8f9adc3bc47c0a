package dev.switchboard.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.Gateway;
import dev.switchboard.testing.Gateways;
import dev.switchboard.testing.KillablePostgres;
import dev.switchboard.testing.MockProvider;
import dev.switchboard.testing.Requests;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Postgres outage: what needs the database answers 503 with Retry-After and a message naming the
 * database (not its address), logged once rather than once per request; a cached key with
 * in-memory budgets keeps being served; readiness reports the database's real state.
 */
@Tag("slow")
@ExtendWith(VertxExtension.class)
@Timeout(value = 3, timeUnit = TimeUnit.MINUTES)
class DatabaseOutageTest {

  private static final String MASTER = "sk-master-outage";

  @TempDir
  Path dir;

  private KillablePostgres postgres;
  private MockProvider mock;
  private WebClient client;
  private Gateway gateway;
  private final List<LogRecord> logged = new CopyOnWriteArrayList<>();
  private final Handler capture = new Handler() {
    @Override
    public void publish(LogRecord record) {
      if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
        logged.add(record);
      }
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
    client = WebClient.create(vertx);
    mock = new MockProvider(vertx);
    vertx.executeBlocking(() -> postgres = KillablePostgres.start(dir))
        .compose(pg -> mock.start())
        .compose(v -> Gateways.start(postgres.gatewayConfig(mock.apiBase(), MASTER, dir.resolve("spool"))))
        .onComplete(ctx.succeeding(g -> {
          gateway = g;
          ctx.completeNow();
        }));
  }

  @AfterEach
  void stop(Vertx vertx, VertxTestContext ctx) {
    Logger.getLogger("").removeHandler(capture);
    client.close();
    (gateway == null ? Future.<Void>succeededFuture() : gateway.close()).eventually(mock::stop)
        .eventually(() -> vertx.executeBlocking(() -> {
          postgres.close();
          return null;
        }))
        .onComplete(ctx.succeedingThenComplete());
  }

  private Future<HttpResponse<Buffer>> post(String path, String key, JsonObject body) {
    return client.post(gateway.port(), "127.0.0.1", path).putHeader("Authorization", "Bearer " + key)
        .sendBuffer(body.toBuffer());
  }

  private Future<HttpResponse<Buffer>> chat(String key) {
    return post("/v1/chat/completions", key, Requests.chat("chat").maxTokens(5).user("hi").build());
  }

  private Future<HttpResponse<Buffer>> readiness() {
    return client.get(gateway.port(), "127.0.0.1", "/health/readiness").send();
  }

  private void unavailable(HttpResponse<Buffer> response, String what) {
    assertEquals(503, response.statusCode(), what + ": " + response.bodyAsString());
    assertTrue(response.getHeader("Retry-After") != null, what + " says when to retry");
    String message = response.bodyAsJsonObject().getJsonObject("error").getString("message");
    assertTrue(message.contains("database"), message);
    assertFalse(message.contains(Integer.toString(postgres.port())), "no address: " + message);
  }

  @Test
  void an_outage_answers_503_once_logged_serves_cached_keys_and_shows_in_readiness(Vertx vertx, VertxTestContext ctx) {
    String[] cached = new String[1];
    String[] uncached = new String[1];
    post("/key/generate", MASTER, new JsonObject().put("max_budget", 10))
        .compose(first -> {
          cached[0] = first.bodyAsJsonObject().getString("key");
          return post("/key/generate", MASTER, new JsonObject().put("max_budget", 10));
        })
        .compose(second -> {
          uncached[0] = second.bodyAsJsonObject().getString("key");
          return chat(cached[0]);
        })
        .compose(warm -> readiness())
        .compose(ready -> {
          ctx.verify(() -> {
            assertEquals(200, ready.statusCode(), ready.bodyAsString());
            assertEquals("connected", ready.bodyAsJsonObject().getString("db"));
          });
          Logger.getLogger("").addHandler(capture);
          return vertx.executeBlocking(() -> {
            postgres.kill();
            return null;
          });
        })
        .compose(down -> chat(uncached[0]))
        .compose(r -> {
          ctx.verify(() -> unavailable(r, "an uncached key"));
          return chat("sk-not-a-key-at-all");
        })
        .compose(r -> {
          ctx.verify(() -> unavailable(r, "a wrong key"));
          return post("/key/generate", MASTER, new JsonObject());
        })
        .compose(r -> {
          ctx.verify(() -> unavailable(r, "an admin endpoint"));
          return chat(uncached[0]);
        })
        .compose(r -> {
          ctx.verify(() -> unavailable(r, "the uncached key again"));
          return chat(cached[0]);
        })
        .compose(r -> {
          ctx.verify(() -> assertEquals(200, r.statusCode(), "a cached key with memory budgets: " + r.bodyAsString()));
          return readiness();
        })
        .compose(ready -> {
          ctx.verify(() -> {
            assertEquals(503, ready.statusCode(), ready.bodyAsString());
            assertEquals("disconnected", ready.bodyAsJsonObject().getString("db"));
          });
          return vertx.executeBlocking(() -> {
            postgres.restart();
            return null;
          });
        })
        .compose(up -> readinessUntilUp(vertx, 60))
        .onComplete(ctx.succeeding(ready -> ctx.verify(() -> {
          assertEquals("connected", ready.bodyAsJsonObject().getString("db"));
          List<String> outageLines = logged.stream().filter(r -> r.getLoggerName().endsWith("DatabaseUnavailable"))
              .map(LogRecord::getMessage).toList();
          assertTrue(outageLines.size() <= 1, "one line per outage: " + outageLines);
          assertEquals(List.of(), logged.stream().filter(r -> r.getLevel() == Level.SEVERE
                  && !r.getLoggerName().startsWith("io.zonky")) // the test's own kill of the server
              .map(r -> r.getLoggerName() + ": " + r.getMessage()).toList(), "no stack trace per request");
          ctx.completeNow();
        })));
  }

  /** Readiness again until the restarted database answers (its probe result is kept a second). */
  private Future<HttpResponse<Buffer>> readinessUntilUp(Vertx vertx, int tries) {
    return readiness().compose(ready -> ready.statusCode() == 200 || tries <= 1 ? Future.succeededFuture(ready)
        : vertx.timer(500).compose(t -> readinessUntilUp(vertx, tries - 1)));
  }
}
