package dev.switchboard.doctor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.switchboard.config.EnvValue;
import dev.switchboard.config.ModelInfo;
import dev.switchboard.model.Deployment;
import dev.switchboard.provider.Providers;
import dev.switchboard.testing.GeminiMock;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** switchboard doctor checks a Gemini key against Gemini's own model list, with Gemini's key header. */
@ExtendWith(VertxExtension.class)
class GeminiProbeTest {

  private static Deployment gemini(int port, String key) {
    return new Deployment("g-" + key, "gemini", Providers.resolve("gemini/gemini-2.5-flash", "t").provider(), "gemini-2.5-flash",
        EnvValue.of("http://127.0.0.1:" + port), EnvValue.of(key), EnvValue.ABSENT, 1, 1000, 1000, false, null,
        ModelInfo.EMPTY, null, null, null, Deployment.NO_ORDER, List.of(), null);
  }

  @Test
  void the_right_key_passes_and_a_wrong_one_does_not(Vertx vertx, VertxTestContext ctx) {
    GeminiMock mock = new GeminiMock(vertx);
    HttpClient client = vertx.createHttpClient();
    ProviderProbe probe = new ProviderProbe(client);
    mock.start()
        .compose(m -> Future.all(probe.check(gemini(m.port(), GeminiMock.KEY)), probe.check(gemini(m.port(), "AIza-wrong"))))
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
