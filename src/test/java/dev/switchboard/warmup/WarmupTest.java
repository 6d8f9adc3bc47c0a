package dev.switchboard.warmup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.Gateway;
import dev.switchboard.config.ConfigLoader;
import dev.switchboard.testing.MockProvider;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The warm-up: a gateway that warms up says "warming up" on readiness (and serves nonetheless) until
 * the warm-up has run every kind of call cleanly against its own loopback provider, without a
 * request reaching the real gateway's provider.
 */
@ExtendWith(VertxExtension.class)
class WarmupTest {

  @Test
  void readiness_waits_for_a_clean_warm_up_that_never_reaches_a_real_provider(Vertx vertx, VertxTestContext ctx) {
    MockProvider provider = new MockProvider(vertx);
    WebClient client = WebClient.create(vertx);
    AtomicReference<Gateway> started = new AtomicReference<>();
    provider.start()
        .compose(v -> Gateway.start(new ConfigLoader(name -> null).parse("""
            model_list:
              - {model_name: chat, litellm_params: {model: openai/chat, api_base: "%s", api_key: sk-up}}
            general_settings: {master_key: sk-master-warmup, database_url: none}
            """.formatted(provider.apiBase()), "warmup-test.yaml"), new Gateway.Options("127.0.0.1", 0, 1, true)))
        .compose(gateway -> {
          started.set(gateway);
          return client.get(gateway.port(), "127.0.0.1", "/health/readiness").send();
        })
        .compose(cold -> {
          ctx.verify(() -> {
            assertEquals(503, cold.statusCode(), cold.bodyAsString());
            assertEquals("warming up", cold.bodyAsJsonObject().getString("status"));
          });
          return client.get(started.get().port(), "127.0.0.1", "/health/liveliness").send();
        })
        .compose(alive -> {
          ctx.verify(() -> assertEquals(200, alive.statusCode(), "alive while warming up"));
          return Warmup.run(1, 1);
        })
        .compose(outcome -> {
          ctx.verify(() -> {
            // At least one call per caller (32, every kind of call), however loaded the machine is.
            assertTrue(outcome.requests() >= 32, "it ran the request path: " + outcome);
            assertEquals(0, outcome.failed(), "every kind of call succeeded: " + outcome);
            assertEquals(0, provider.received().size(), "nothing reached the configured provider");
          });
          started.get().warmed();
          return client.get(started.get().port(), "127.0.0.1", "/health/readiness").send();
        })
        .compose(warm -> {
          ctx.verify(() -> assertEquals(200, warm.statusCode(), warm.bodyAsString()));
          return Future.succeededFuture();
        })
        .eventually(() -> started.get() == null ? Future.succeededFuture() : started.get().close())
        .eventually(provider::stop)
        .onComplete(ctx.succeedingThenComplete());
  }
}
