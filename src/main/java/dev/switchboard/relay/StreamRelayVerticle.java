package dev.switchboard.relay;

import dev.switchboard.bus.Addresses;
import dev.switchboard.bus.Bus;
import dev.switchboard.config.LitellmSettings;
import dev.switchboard.model.Deployment;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import java.util.function.BiConsumer;

/**
 * Serves {@code relay.call} on its event loop with HTTP clients of its own, so upstream
 * connections live on the loop of the requests that use them: HTTP/2 over TLS where the provider
 * offers it (ALPN, else HTTP/1.1), plain HTTP/1.1 otherwise (no h2c upgrade: local servers such
 * as vLLM and Ollama do not all survive one).
 */
public final class StreamRelayVerticle extends VerticleBase {

  /**
   * Streams hold a connection for their whole life: size the pool for many, bound the queue.
   * (At 1,000 a one-core gateway made its 1,001st concurrent stream to one provider wait, and at
   * 4,096 its 4,097th, measured; the process's descriptor limit is the real bound.)
   */
  static final int MAX_CONNECTIONS_PER_HOST = 16_384;
  /** HTTP/2 connections multiplex ~100 streams each (the usual server limit). */
  static final int MAX_HTTP2_CONNECTIONS_PER_HOST = 32;
  static final int MAX_WAITING_REQUESTS = 10_000;

  private final Bus bus;
  private final LitellmSettings settings;
  private final BiConsumer<Deployment, MultiMap> providerHeaders;
  private HttpClient plain;
  private HttpClient tls;

  /**
   * @param settings        ssl_verify and the bound on one stream event
   * @param providerHeaders told the headers of every successful provider answer (for /metrics)
   */
  public StreamRelayVerticle(Bus bus, LitellmSettings settings, BiConsumer<Deployment, MultiMap> providerHeaders) {
    this.bus = bus;
    this.settings = settings;
    this.providerHeaders = providerHeaders;
  }

  @Override
  public Future<?> start() {
    PoolOptions pool = new PoolOptions().setHttp1MaxSize(MAX_CONNECTIONS_PER_HOST)
        .setHttp2MaxSize(MAX_HTTP2_CONNECTIONS_PER_HOST).setMaxWaitQueueSize(MAX_WAITING_REQUESTS);
    plain = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true), pool);
    tls = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true)
        .setProtocolVersion(HttpVersion.HTTP_2).setUseAlpn(true)
        .setVerifyHost(settings.sslVerify()).setTrustAll(!settings.sslVerify()), pool);
    Relay relay = new Relay(vertx, plain, tls, settings.maxToolCallBufferBytes(),
        Math.round(settings.connectTimeout() * 1000), providerHeaders);
    return Future.all(bus.serve(Addresses.RELAY_CALL, relay::call),
        bus.consume(Addresses.DRAIN_STARTED, (Long drainMs) -> relay.cutStreamsBefore(drainMs)));
  }

  @Override
  public Future<?> stop() {
    return plain == null ? Future.succeededFuture() : Future.join(plain.close(), tls.close());
  }
}
