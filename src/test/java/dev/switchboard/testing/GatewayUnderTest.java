package dev.switchboard.testing;

import dev.switchboard.Gateway;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.PoolOptions;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.util.Map;
import java.util.function.Function;

/** What most tests start from: a mock provider, a real gateway in front of it, and a web client. */
public final class GatewayUnderTest {

  private final MockProvider mock;
  private final Gateway gateway;
  private final WebClient client;

  private GatewayUnderTest(MockProvider mock, Gateway gateway, WebClient client) {
    this.mock = mock;
    this.gateway = gateway;
    this.client = client;
  }

  /** @param config the gateway's YAML, given the started mock (for its port and api_base) */
  public static Future<GatewayUnderTest> start(Vertx vertx, MockProvider mock, Function<MockProvider, String> config) {
    return start(vertx, mock, config, 2);
  }

  public static Future<GatewayUnderTest> start(Vertx vertx, MockProvider mock, Function<MockProvider, String> config,
      int eventLoops) {
    return start(vertx, mock, config, eventLoops, new PoolOptions());
  }

  /** @param clientPool the web client's connections (the default 5 per host would queue a test's concurrent requests) */
  public static Future<GatewayUnderTest> start(Vertx vertx, MockProvider mock, Function<MockProvider, String> config,
      int eventLoops, PoolOptions clientPool) {
    return mock.start()
        .compose(started -> Gateways.start(config.apply(mock), Map.of(), eventLoops))
        .map(gateway -> new GatewayUnderTest(mock, gateway, WebClient.create(vertx, new WebClientOptions(), clientPool)));
  }

  public MockProvider mock() {
    return mock;
  }

  public Gateway gateway() {
    return gateway;
  }

  public WebClient client() {
    return client;
  }

  public Future<Void> close() {
    client.close();
    return Future.join(gateway.close(), mock.stop()).mapEmpty();
  }
}
