package dev.switchboard.livetail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.model.KeySecrets;
import dev.switchboard.testing.GatewayExtension;
import dev.switchboard.testing.TestDatabase;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code GET /spend/logs/tail} on a real gateway: a real HTTP client reads the event stream while
 * calls go through the gateway to the mock provider, and sees each as it finishes, without secrets;
 * only the master key may open it.
 */
class LiveTailTest {

  private static final String MASTER = "sk-master-tail";

  @RegisterExtension
  final GatewayExtension gw = GatewayExtension.withConfig(m -> """
      model_list:
        - model_name: chat
          litellm_params: {model: openai/gpt-4o-mini, api_base: "%1$s", api_key: sk-upstream-secret}
          model_info: {input_cost_per_token: 0.001, output_cost_per_token: 0.002}
      general_settings: {master_key: %2$s, database_url: "%3$s"}
      """.formatted(m.apiBase(), MASTER, TestDatabase.newDatabaseUrl()));

  private final HttpClient http = HttpClient.newHttpClient();

  private String base() {
    return "http://127.0.0.1:" + gw.port();
  }

  private HttpResponse<String> call(String method, String path, String key, String body) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base() + path)).header("Content-Type", "application/json")
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (key != null) {
      request.header("Authorization", "Bearer " + key);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void the_master_key_sees_each_call_as_it_finishes_without_secrets() throws Exception {
    String key = new JsonObject(call("POST", "/key/generate", MASTER, "{\"key_alias\":\"tailed\"}").body()).getString("key");
    HttpResponse<Stream<String>> tail = http.send(HttpRequest.newBuilder(URI.create(base() + "/spend/logs/tail"))
        .header("Authorization", "Bearer " + MASTER).build(), HttpResponse.BodyHandlers.ofLines());
    assertEquals(200, tail.statusCode());
    assertTrue(tail.headers().firstValue("content-type").orElse("").startsWith("text/event-stream"));
    BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    Thread reader = new Thread(() -> tail.body().forEach(lines::add));
    reader.setDaemon(true);
    reader.start();
    assertEquals(": switchboard live tail", lines.poll(10, TimeUnit.SECONDS), "the stream is open");

    for (int i = 0; i < 2; i++) {
      HttpResponse<String> chat = call("POST", "/v1/chat/completions", key,
          "{\"model\":\"chat\",\"messages\":[{\"role\":\"user\",\"content\":\"secret prompt\"}]}");
      assertEquals(200, chat.statusCode(), chat.body());
      String id = chat.headers().firstValue("x-litellm-call-id").orElseThrow();
      JsonObject event = next(lines);
      assertEquals(id, event.getString("request_id"));
      assertEquals("chat", event.getString("model_group"));
      assertEquals("tailed", event.getString("key_alias"));
      assertEquals("success", event.getString("status"));
      assertEquals(200, event.getInteger("status_code"));
      assertTrue(event.getDouble("spend") > 0, event.encode());
      assertTrue(event.getLong("total_tokens") > 0, event.encode());
      assertNotNull(event.getLong("request_duration_ms"));
      String text = event.encode();
      assertFalse(text.contains(key) || text.contains(KeySecrets.hash(key)) || text.contains("sk-upstream-secret")
          || text.contains(MASTER) || text.contains("secret prompt"), "no key, hash or content: " + text);
    }
    tail.body().close();
  }

  @Test
  void only_the_master_key_may_tail() throws Exception {
    String key = new JsonObject(call("POST", "/key/generate", MASTER, "{}").body()).getString("key");
    HttpResponse<String> virtual = call("GET", "/spend/logs/tail", key, null);
    assertEquals(403, virtual.statusCode());
    assertTrue(new JsonObject(virtual.body()).getJsonObject("error").getString("message").contains("master key"));
    assertFalse(virtual.body().contains(key));
    assertEquals(401, call("GET", "/spend/logs/tail", null, null).statusCode());
    assertEquals(401, call("GET", "/spend/logs/tail", "sk-wrong", null).statusCode());
  }

  /** The next {@code request} event's data. */
  private static JsonObject next(BlockingQueue<String> lines) throws InterruptedException {
    boolean request = false;
    while (true) {
      String line = lines.poll(20, TimeUnit.SECONDS);
      assertNotNull(line, "no event within 20 s");
      if (line.equals("event: request")) {
        request = true;
      } else if (request && line.startsWith("data: ")) {
        return new JsonObject(line.substring(6));
      }
    }
  }
}
