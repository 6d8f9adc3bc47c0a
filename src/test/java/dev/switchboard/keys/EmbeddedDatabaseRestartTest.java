package dev.switchboard.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.testing.Gateways;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** With no database_url the gateway runs its own Postgres, and keys survive a restart. */
@ExtendWith(VertxExtension.class)
class EmbeddedDatabaseRestartTest {

  @TempDir
  Path dir;

  private String config() {
    return """
        model_list: []
        general_settings: {master_key: sk-master-restart, embedded_database_dir: "%s"}
        """.formatted(dir.resolve("pg"));
  }

  @Test
  void a_key_generated_before_a_restart_works_after_it(Vertx vertx, VertxTestContext ctx) {
    WebClient client = WebClient.create(vertx);
    String[] key = new String[1];
    Gateways.start(config())
        .compose(first -> client.post(first.port(), "127.0.0.1", "/key/generate")
            .putHeader("Authorization", "Bearer sk-master-restart").sendJsonObject(new JsonObject().put("key_alias", "kept"))
            .compose(generated -> {
              key[0] = generated.bodyAsJsonObject().getString("key");
              return first.close();
            }))
        .compose(closed -> {
          ctx.verify(() -> assertTrue(Files.exists(dir.resolve("pg").resolve("PG_VERSION")), "data kept on disk"));
          return Gateways.start(config());
        })
        .compose(second -> client.get(second.port(), "127.0.0.1", "/v1/models").putHeader("x-api-key", key[0]).send()
            .eventually(second::close))
        .eventually(() -> {
          client.close();
          return Future.succeededFuture();
        })
        .onComplete(ctx.succeeding(models -> ctx.verify(() -> {
          assertEquals(200, models.statusCode(), models.bodyAsString());
          ctx.completeNow();
        })));
  }
}
