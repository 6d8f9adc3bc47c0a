package dev.switchboard.relay;

import dev.switchboard.bus.Addresses;
import dev.switchboard.bus.Bus;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;

/**
 * Serves {@code relay.call} on its event loop with an HTTP client of its own, so upstream
 * connections live on the loop of the requests that use them.
 */
public final class StreamRelayVerticle extends VerticleBase {

  /** Streams hold a connection for their whole life: size the pool for many, bound the queue. */
  static final int MAX_CONNECTIONS_PER_HOST = 1000;
  static final int MAX_WAITING_REQUESTS = 10_000;

  private final Bus bus;
  private HttpClient client;

  public StreamRelayVerticle(Bus bus) {
    this.bus = bus;
  }

  @Override
  public Future<?> start() {
    client = vertx.createHttpClient(
        new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true).setVerifyHost(true),
        new PoolOptions().setHttp1MaxSize(MAX_CONNECTIONS_PER_HOST).setMaxWaitQueueSize(MAX_WAITING_REQUESTS));
    Relay relay = new Relay(vertx, client);
    return bus.serve(Addresses.RELAY_CALL, relay::call);
  }

  @Override
  public Future<?> stop() {
    return client == null ? Future.succeededFuture() : client.close();
  }
}
