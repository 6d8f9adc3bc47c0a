package dev.switchboard.doctor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.switchboard.config.EnvValue;
import dev.switchboard.config.ModelInfo;
import dev.switchboard.model.Deployment;
import dev.switchboard.provider.Providers;
import dev.switchboard.testing.CohereMock;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** switchboard doctor checks a Cohere key against Cohere's model list (GET /v1/models), as a bearer token. */
@ExtendWith(VertxExtension.class)
class CohereProbeTest {

  private static Deployment cohere(int port, String key) {
    return new Deployment("c-" + key, "command", Providers.resolve("cohere_chat/command-r", "t").provider(), "command-r",
        EnvValue.of("http://127.0.0.1:" + port), EnvValue.of(key), EnvValue.ABSENT, 1, 1000, 1000, false, null,
        ModelInfo.EMPTY, null, null, null, Deployment.NO_ORDER, List.of(), null);
  }

  @Test
  void the_right_key_passes_and_a_wrong_one_does_not(Vertx vertx, VertxTestContext ctx) {
    CohereMock mock = new CohereMock(vertx);
    HttpClient client = vertx.createHttpClient();
    ProviderProbe probe = new ProviderProbe(client);
    mock.start()
        .compose(m -> Future.all(probe.check(cohere(m.port(), CohereMock.KEY)), probe.check(cohere(m.port(), "co-wrong"))))
        .eventually(() -> Future.join(mock.stop(), client.close()))
        .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
          Check good = all.resultAt(0);
          Check bad = all.resultAt(1);
          assertEquals(Check.Status.OK, good.status(), good.detail());
          assertEquals(Check.Status.FAIL, bad.status(), bad.detail());
          ctx.completeNow();
        })));
  }
}
