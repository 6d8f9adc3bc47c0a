package dev.switchboard.testing;

import dev.switchboard.Gateway;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Gives a test a real gateway in front of a mock provider, and a web client to call it.
 *
 * <pre>
 * &#64;RegisterExtension
 * final GatewayExtension gw = GatewayExtension.withConfig(m -&gt; "model_list: ...".formatted(m.apiBase()));
 * ... gw.post("/v1/chat/completions").sendJsonObject(Requests.chat("chat").user("hi").build()) ...
 * </pre>
 *
 * With a config the gateway starts before each test; {@link #manual()} leaves the start to the test
 * ({@link #start}), for tests whose config or mock differs per test. Either way it is closed after each
 * test. Registered on a static field it lives for the whole class instead.
 */
public class GatewayExtension implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {

  private static final long TIMEOUT_SECONDS = 60;

  private final Function<Vertx, MockProvider> mocks;
  private final Function<MockProvider, String> config;
  private int eventLoops = 2;
  private PoolOptions clientPool = new PoolOptions();
  private boolean mockOverTls;
  private boolean perClass;
  private Vertx vertx;
  private MockProvider mock;
  private Gateway gateway;
  private WebClient client;

  protected GatewayExtension(Function<Vertx, MockProvider> mocks, Function<MockProvider, String> config) {
    this.mocks = mocks;
    this.config = config;
  }

  /** @param config the gateway's YAML, given the started mock (for its port and api_base) */
  public static GatewayExtension withConfig(Function<MockProvider, String> config) {
    return new GatewayExtension(MockProvider::new, config);
  }

  /** @param mocks the mock provider (with its behaviours) on the extension's Vert.x */
  public static GatewayExtension withConfig(Function<Vertx, MockProvider> mocks, Function<MockProvider, String> config) {
    return new GatewayExtension(mocks, config);
  }

  /** Nothing starts before a test: the test calls {@link #start}. */
  public static GatewayExtension manual() {
    return new GatewayExtension(null, null);
  }

  /** How many event loops the gateway runs (one makes per-loop behaviour deterministic); 2 by default. */
  public GatewayExtension eventLoops(int count) {
    this.eventLoops = count;
    return this;
  }

  /** The client's connections (the default 5 per host would queue a test's concurrent requests). */
  public GatewayExtension clientPool(PoolOptions pool) {
    this.clientPool = pool;
    return this;
  }

  /** The mock serves TLS with a self-signed certificate, offering HTTP/2 by ALPN ({@link MockProvider#startTls}). */
  public GatewayExtension mockOverTls() {
    this.mockOverTls = true;
    return this;
  }

  /** Starts {@code provider} and a gateway in front of it; both are closed after the test. */
  public Future<Gateway> start(MockProvider provider, Function<MockProvider, String> yaml) {
    if (gateway != null || mock != null) {
      return Future.failedFuture(new IllegalStateException("the gateway is already started"));
    }
    mock = provider;
    return (mockOverTls ? provider.startTls() : provider.start())
        .compose(started -> Gateways.start(yaml.apply(provider), Map.of(), eventLoops))
        .onSuccess(started -> {
          gateway = started;
          client = WebClient.create(vertx(), new WebClientOptions(), clientPool);
        });
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

  public int port() {
    return gateway.port();
  }

  /** The extension's own Vert.x (the client's and a declared mock's), apart from the gateway's. */
  public Vertx vertx() {
    if (vertx == null) {
      vertx = Vertx.vertx();
    }
    return vertx;
  }

  /** A request to the gateway. */
  public HttpRequest<Buffer> request(HttpMethod method, String path) {
    return client.request(method, port(), "127.0.0.1", path);
  }

  public HttpRequest<Buffer> get(String path) {
    return request(HttpMethod.GET, path);
  }

  public HttpRequest<Buffer> post(String path) {
    return request(HttpMethod.POST, path);
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    perClass = true;
    open();
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    shut();
  }

  @Override
  public void beforeEach(ExtensionContext context) throws Exception {
    if (!perClass) {
      open();
    }
  }

  @Override
  public void afterEach(ExtensionContext context) throws Exception {
    if (!perClass) {
      shut();
    }
  }

  private void open() throws Exception {
    vertx();
    if (config != null) {
      // Blocking is fine here: JUnit's thread, not an event loop.
      await(start(mocks.apply(vertx), config));
    }
  }

  private void shut() throws Exception {
    if (client != null) {
      client.close();
    }
    Future<Void> closed = Future.join(gateway == null ? Future.succeededFuture() : gateway.close(),
        mock == null ? Future.succeededFuture() : mock.stop()).mapEmpty();
    Vertx own = vertx;
    client = null;
    gateway = null;
    mock = null;
    vertx = null;
    try {
      await(closed);
    } finally {
      if (own != null) {
        await(own.close());
      }
    }
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
  }
}
