package dev.switchboard.ingress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.Gateway;
import dev.switchboard.testing.Gateways;
import dev.switchboard.testing.MockProvider;
import dev.switchboard.testing.Requests;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code type: disk}: answers, streamed ones too, survive a gateway restart on the same directory. */
class DiskResponseCacheTest {

  private static final String MASTER = "sk-disk-cache";

  private final Vertx vertx = Vertx.vertx();
  private MockProvider mock;
  private WebClient client;

  @TempDir
  Path dir;

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get();
  }

  @BeforeEach
  void start() throws Exception {
    client = WebClient.create(vertx);
    mock = await(new MockProvider(vertx).start());
  }

  @AfterEach
  void stop() throws Exception {
    client.close();
    await(mock.stop());
    await(vertx.close());
  }

  private Gateway gateway() throws Exception {
    return await(Gateways.start("""
        model_list:
          - {model_name: chat, litellm_params: {model: openai/chat, api_base: "%1$s", api_key: sk-up}}
        general_settings: {master_key: %2$s, database_url: none}
        litellm_settings:
          cache: true
          cache_params: {type: disk, disk_cache_dir: "%3$s", disk_cache_max_bytes: 1048576}
        """.formatted(mock.apiBase(), MASTER, dir)));
  }

  private HttpResponse<Buffer> ask(Gateway gateway, JsonObject body) throws Exception {
    return await(client.post(gateway.port(), "127.0.0.1", "/v1/chat/completions")
        .putHeader("Authorization", "Bearer " + MASTER).sendJsonObject(body));
  }

  @Test
  void answers_stored_before_a_restart_are_hits_after_it() throws Exception {
    Gateway first = gateway();
    HttpResponse<Buffer> ping = await(client.get(first.port(), "127.0.0.1", "/cache/ping")
        .putHeader("Authorization", "Bearer " + MASTER).send());
    assertEquals(200, ping.statusCode(), ping.bodyAsString());
    assertEquals("disk", ping.bodyAsJsonObject().getString("cache_type"));
    HttpResponse<Buffer> plain = ask(first, Requests.chat("chat").user("remember me").build());
    assertEquals(200, plain.statusCode(), plain.bodyAsString());
    HttpResponse<Buffer> streamed = ask(first, Requests.chat("chat").user("remember my stream").build().put("stream", true));
    assertTrue(streamed.bodyAsString().endsWith("data: [DONE]\n\n"));
    assertEquals(2, mock.received().size());
    await(first.close()); // waits for the cache's writes

    Gateway second = gateway();
    try {
      HttpResponse<Buffer> again = ask(second, Requests.chat("chat").user("remember me").build());
      assertEquals(200, again.statusCode(), again.bodyAsString());
      assertEquals(plain.getHeader("x-litellm-cache-key"), again.getHeader("x-litellm-cache-key"));
      assertEquals(plain.bodyAsJsonObject(), again.bodyAsJsonObject());
      HttpResponse<Buffer> replay = ask(second, Requests.chat("chat").user("remember my stream").build());
      assertEquals("tok0 tok1 tok2 ", replay.bodyAsJsonObject().getJsonArray("choices").getJsonObject(0)
          .getJsonObject("message").getString("content"));
      assertEquals(2, mock.received().size(), "both answered from the disk after the restart");
      assertEquals(2, second.cache().hits());
    } finally {
      await(second.close());
    }
  }
}
