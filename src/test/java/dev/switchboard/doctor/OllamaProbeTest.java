package dev.switchboard.doctor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.config.EnvValue;
import dev.switchboard.config.ModelInfo;
import dev.switchboard.model.Deployment;
import dev.switchboard.provider.Providers;
import dev.switchboard.testing.OllamaMock;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** switchboard doctor asks an Ollama server for its pulled models (GET /api/tags), not an OpenAI model list. */
@ExtendWith(VertxExtension.class)
class OllamaProbeTest {

  private static Deployment ollama(String base, String prefix) {
    return new Deployment("o-" + prefix, "local", Providers.resolve(prefix + "/llama3.2:3b", "t").provider(), "llama3.2:3b",
        EnvValue.of(base), EnvValue.ABSENT, EnvValue.ABSENT, 1, 1000, 1000, false, null,
        ModelInfo.EMPTY, null, null, null, Deployment.NO_ORDER, List.of(), null);
  }

  @Test
  void a_running_server_passes_under_both_prefixes(Vertx vertx, VertxTestContext ctx) {
    OllamaMock mock = new OllamaMock(vertx);
    HttpClient client = vertx.createHttpClient();
    ProviderProbe probe = new ProviderProbe(client);
    mock.start()
        .compose(m -> Future.all(probe.check(ollama("http://127.0.0.1:" + m.port(), "ollama")),
            probe.check(ollama("http://127.0.0.1:" + m.port() + "/", "ollama_chat"))))
        .eventually(() -> Future.join(mock.stop(), client.close()))
        .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
          for (int i = 0; i < 2; i++) {
            Check check = all.resultAt(i);
            assertEquals(Check.Status.OK, check.status(), check.detail());
            assertTrue(check.detail().contains("HTTP 200"), check.detail());
          }
          ctx.completeNow();
        })));
  }
}
