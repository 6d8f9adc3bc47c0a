package dev.switchboard.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.testing.Awaits;
import dev.switchboard.testing.GatewayExtension;
import dev.switchboard.testing.MockProvider;
import dev.switchboard.testing.Requests;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Every log line about a request carries its id, in text and in JSON; no line carries a secret. */
@ExtendWith(VertxExtension.class)
class LogsTest {

  @RegisterExtension
  final GatewayExtension gw = GatewayExtension.manual();

  static final String MASTER = "sk-logs-master-0123456789";
  static final String UPSTREAM_KEY = "sk-upstream-logs-secret-77";

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
  private Level previous;

  @BeforeEach
  void start(Vertx vertx, VertxTestContext ctx) {
    previous = gatewayLogs.getLevel();
    gatewayLogs.setLevel(Level.FINE);
    gatewayLogs.addHandler(capture);
    gw.start(new MockProvider(vertx), m -> """
        model_list:
          - {model_name: chat, litellm_params: {model: openai/chat, api_base: "%s", api_key: %s}}
        general_settings: {master_key: %s}
        """.formatted(m.apiBase(), UPSTREAM_KEY, MASTER)).onComplete(ctx.succeedingThenComplete());
  }

  @AfterEach
  void restore() {
    gatewayLogs.removeHandler(capture);
    gatewayLogs.setLevel(previous);
  }

  private static List<String> lines(List<LogRecord> records, boolean json, String containing) {
    var formatter = Logs.formatter(json);
    return records.stream().map(formatter::format).filter(line -> line.contains(containing)).toList();
  }

  @Test
  void every_line_about_a_request_carries_its_id_in_text_and_json(Vertx vertx, VertxTestContext ctx) {
    String id = "trace-abc-123";
    gw.post("/v1/chat/completions").putHeader("Authorization", "Bearer " + MASTER)
        .putHeader("x-litellm-call-id", id)
        .sendJsonObject(Requests.hi("chat"))
        .compose(response -> {
          ctx.verify(() -> assertEquals(id, response.getHeader("x-litellm-call-id")));
          // The spend line is written after the answer, off the request path.
          return Awaits.until(vertx, () -> lines(records, false, "spend").size() >= 1, 10_000);
        })
        .onComplete(ctx.succeeding(v -> ctx.verify(() -> {
          List<String> text = lines(records, false, id);
          assertTrue(text.size() >= 2, "the request line and the spend line: " + text);
          assertTrue(text.stream().allMatch(line -> line.contains("[" + id + "]")), text.toString());
          for (String line : lines(records, true, id)) {
            JsonObject json = new JsonObject(line.trim());
            assertEquals(id, json.getString("request_id"), line);
            assertTrue(json.containsKey("timestamp") && json.containsKey("level") && json.containsKey("message"));
          }
          JsonObject spend = new JsonObject(lines(records, true, "\"event\":\"spend\"").get(0).trim());
          assertEquals("chat", spend.getString("model"));
          assertEquals(200, spend.getInteger("status"));
          for (LogRecord record : records) {
            String all = Logs.formatter(false).format(record) + Logs.formatter(true).format(record);
            assertFalse(all.contains(MASTER) || all.contains(UPSTREAM_KEY), all);
          }
          ctx.completeNow();
        })));
  }

  @Test
  void an_error_body_names_the_request_id(VertxTestContext ctx) {
    gw.post("/v1/chat/completions").putHeader("x-litellm-call-id", "err-req-9")
        .sendJsonObject(Requests.hi("chat"))
        .onComplete(ctx.succeeding(response -> ctx.verify(() -> {
          assertEquals(401, response.statusCode());
          assertEquals("err-req-9", response.bodyAsJsonObject().getJsonObject("error").getString("request_id"));
          ctx.completeNow();
        })));
  }

  @Test
  void secrets_are_redacted_from_any_line() {
    assertEquals("calling with sk-*** now", Redactor.redact("calling with sk-abcdef1234567890 now"));
    assertEquals("Authorization: Bearer ***", Redactor.redact("Authorization: Bearer eyJhbGciOi.secret"));
    assertEquals("{\"api_key\": \"***\"}", Redactor.redact("{\"api_key\": \"gsk_live_123\"}"));
    assertEquals("postgresql://app:***@db:5432/litellm", Redactor.redact("postgresql://app:hunter2@db:5432/litellm"));
    assertEquals("redis://:***@cache:6379", Redactor.redact("redis://:s3cret@cache:6379"));
    assertEquals("password=*** user=x", Redactor.redact("password=hunter2 user=x"));
    assertEquals("nothing secret here", Redactor.redact("nothing secret here"));
    LogRecord record = new LogRecord(Level.WARNING, "upstream said Incorrect API key provided: sk-proj-abc123456789");
    assertFalse(Logs.formatter(true).format(record).contains("abc123456789"));
    assertFalse(Logs.formatter(false).format(record).contains("abc123456789"));
  }

  @Test
  void levels_come_from_litellm_names() {
    assertEquals(Level.FINE, Logs.level("DEBUG"));
    assertEquals(Level.INFO, Logs.level("info"));
    assertEquals(Level.WARNING, Logs.level("WARNING"));
    assertEquals(Level.SEVERE, Logs.level("ERROR"));
    assertEquals("WARNING", new JsonObject(Logs.formatter(true).format(new LogRecord(Level.WARNING, "x")).trim())
        .getString("level"));
  }
}
