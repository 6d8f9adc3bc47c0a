package dev.switchboard.testing;

import dev.switchboard.Gateway;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * For tests of a real gateway in front of a mock provider: starts them (from a test's
 * {@code @BeforeEach}) and stops them after each test.
 */
@ExtendWith(VertxExtension.class)
public abstract class GatewayTestBase {

  protected MockProvider mock;
  protected Gateway gateway;
  protected WebClient client;
  protected int port;
  private GatewayUnderTest sut;

  /** @param config the gateway's YAML, given the started mock (for its port and api_base) */
  protected void startGateway(Vertx vertx, VertxTestContext ctx, MockProvider provider,
      Function<MockProvider, String> config) {
    startGateway(vertx, ctx, provider, config, 2);
  }

  protected void startGateway(Vertx vertx, VertxTestContext ctx, MockProvider provider,
      Function<MockProvider, String> config, int eventLoops) {
    GatewayUnderTest.start(vertx, provider, config, eventLoops).onComplete(ctx.succeeding(started -> {
      sut = started;
      mock = started.mock();
      gateway = started.gateway();
      client = started.client();
      port = gateway.port();
      ctx.completeNow();
    }));
  }

  @AfterEach
  void stopGateway(VertxTestContext ctx) {
    (sut == null ? Future.<Void>succeededFuture() : sut.close()).onComplete(ctx.succeedingThenComplete());
  }
}
