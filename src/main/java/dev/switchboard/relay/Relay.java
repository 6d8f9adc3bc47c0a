package dev.switchboard.relay;

import dev.switchboard.model.RelayResult;
import dev.switchboard.model.RelayCall;
import dev.switchboard.errors.ErrorClass;
import dev.switchboard.errors.GatewayError;
import dev.switchboard.model.Deployment;
import dev.switchboard.model.Answer;
import dev.switchboard.model.Operation;
import dev.switchboard.model.ProviderAdapter;
import dev.switchboard.model.StreamTranslator;
import dev.switchboard.model.UpstreamRequest;
import dev.switchboard.model.Usage;
import dev.switchboard.model.UsageEstimate;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Calls a deployment for one request: builds the provider request, sends it with the deployment's
 * timeouts, and returns the answer (non-streaming) or relays it (streaming). Every failure comes
 * back as a {@link GatewayError} with the status the client should see.
 */
public final class Relay {

  private static final Logger LOG = Logger.getLogger(Relay.class.getName());


  private final Vertx vertx;
  private final long connectTimeoutMs;
  private final HttpClient plain;
  private final HttpClient tls;
  private final EmbeddingBatcher batcher;
  private final int maxEventBytes;
  private final BiConsumer<Deployment, MultiMap> providerHeaders;
  /** The streams this relay is relaying now; any event loop adds and removes its own. */
  private final Set<SseRelay> open = ConcurrentHashMap.newKeySet();
  /** Every ingress instance announces the drain; the first announcement sets the cut. Owned by this relay's loop. */
  private boolean cutSet;

  /**
   * @param tls             the client for https providers (HTTP/2 where offered), {@code plain} for http ones
   * @param maxEventBytes   one SSE line or event from a provider may not exceed this; protects the heap
   * @param providerHeaders told the headers of every successful provider answer (its remaining rate limits)
   */
  /** @param connectTimeoutMs {@code litellm_settings.connect_timeout}: the longest opening a connection may take */
  public Relay(Vertx vertx, HttpClient plain, HttpClient tls, int maxEventBytes, long connectTimeoutMs,
      BiConsumer<Deployment, MultiMap> providerHeaders) {
    this.vertx = vertx;
    this.connectTimeoutMs = connectTimeoutMs;
    this.providerHeaders = providerHeaders;
    this.maxEventBytes = maxEventBytes;
    this.plain = plain;
    this.tls = tls;
    this.batcher = new EmbeddingBatcher(vertx, this::direct);
  }

  public Future<RelayResult> call(RelayCall call) {
    if (call.operation() == Operation.EMBEDDING && call.deployment().batch() != null) {
      return batcher.submit(call);
    }
    Context home = call.home();
    // The same context is the same thread; any other context (even a sibling on this loop) takes one hop.
    if (home == null || Vertx.currentContext() == home) {
      return direct(call);
    }
    // Reached from another loop (no relay instance on the client's): call the provider from the
    // client's own loop, where its response may be written.
    Promise<RelayResult> relayed = Promise.promise();
    home.runOnContext(v -> direct(call).onComplete(relayed));
    return relayed.future();
  }

  /**
   * The gateway is stopping and gives what is in flight {@code drainMs} to finish: the streams still
   * open shortly before that end with an SSE error event (and their cost trailer), so clients learn
   * why, instead of seeing the connection cut when the time is up.
   */
  void cutStreamsBefore(long drainMs) {
    if (cutSet) {
      return;
    }
    cutSet = true;
    long margin = Math.min(1000, drainMs / 4);
    GatewayError stopping = GatewayError.of(ErrorClass.SERVICE_UNAVAILABLE, "gateway_shutting_down", "The gateway is shutting down and this stream did not end within its drain time ("
            + drainMs / 1000.0 + " s, general_settings.graceful_shutdown_seconds). Retry the request.").withRetryAfter("1");
    vertx.setTimer(Math.max(1, drainMs - margin), id -> open.forEach(stream -> stream.cut(stopping)));
  }

  /** One call to the provider, as it is. */
  private Future<RelayResult> direct(RelayCall call) {
    Deployment deployment = call.deployment();
    UpstreamRequest upstream;
    if (!deployment.provider().adapter().supports(call.operation())) {
      return Future.failedFuture(GatewayError.badRequest("model", "Model '" + deployment.modelGroup()
          + "' is served by " + deployment.provider().prefix() + ", which has no " + call.operation().path()
          + " endpoint. Use a model whose provider offers it."));
    }
    try {
      upstream = deployment.provider().adapter().request(call.operation(), deployment, call.body().json(), call.stream(),
          call.clientHeaders());
    } catch (GatewayError e) {
      return Future.failedFuture(e);
    } catch (RuntimeException bug) {
      // Validation lets through only what the adapters can translate; anything else is the gateway's own fault.
      LOG.log(Level.WARNING, "Could not translate a request for " + deployment.describe(), bug);
      return Future.failedFuture(GatewayError.of(ErrorClass.INTERNAL_SERVER, RelayResult.UNTRANSLATABLE, "The gateway could not "
          + "translate this request for " + deployment.describe() + " (" + bug.getClass().getSimpleName() + "). "
          + "The provider was not called; report it with the request id."));
    }
    // Most adapters finish here; Entra ID's token may need a fetch first (cached tokens come back complete).
    Future<UpstreamRequest> authorized = deployment.provider().adapter().authorize(deployment, upstream,
        url -> url.startsWith("https:") ? tls : plain);
    return (authorized.isComplete() ? authorized : onThisContext(authorized)).compose(ready -> sendTo(call, ready));
  }

  /** Continues on the caller's context: a token fetched for another loop's request completes on that loop. */
  private static <T> Future<T> onThisContext(Future<T> future) {
    Context here = Vertx.currentContext();
    if (here == null) {
      return future;
    }
    Promise<T> promise = Promise.promise();
    future.onComplete(done -> here.runOnContext(v -> promise.handle(done)));
    return promise.future();
  }

  private Future<RelayResult> sendTo(RelayCall call, UpstreamRequest upstream) {
    Deployment deployment = call.deployment();
    RequestOptions options;
    try {
      options = UpstreamTargets.of(upstream.url())
          .setMethod(HttpMethod.POST)
          .setHeaders(upstream.headers())
          .setConnectTimeout(Math.min(connectTimeoutMs, timeoutOf(call)))
          .setIdleTimeout(timeoutOf(call));
    } catch (RuntimeException badUrl) {
      return Future.failedFuture(GatewayError.of(ErrorClass.INTERNAL_SERVER, RelayResult.INVALID_API_BASE, "The api_base of " + deployment.describe() + " is not a valid http(s) URL; fix it in config.yaml."));
    }
    HttpClient client = upstream.url().startsWith("https:") ? tls : plain;
    // The stage below lives as long as the stream, and so does all it holds: it hands the body
    // over once instead of holding it, and keeps the request as sent without its body.
    AtomicReference<Buffer> body = new AtomicReference<>(upstream.body());
    UpstreamRequest sent = new UpstreamRequest(upstream.url(), upstream.headers(), null, upstream.asksForUsage());
    return client.request(options)
        .compose(request -> {
          // Non-streaming: one deadline for headers and body together, cancelled as soon as the body is
          // read (a timer left behind per request would pile up for minutes).
          long deadline = call.stream() ? -1 : vertx.setTimer(timeoutOf(call), id -> request.reset(0,
              new TimeoutException("no complete answer within " + timeoutOf(call) + " ms")));
          Future<RelayResult> result = send(call, request, body.getAndSet(null))
              .compose(response -> receive(call, response, sent));
          return deadline < 0 ? result : result.andThen(done -> vertx.cancelTimer(deadline));
        })
        .recover(failure -> Future.failedFuture(UpstreamErrors.fromException(deployment, failure, timeoutOf(call),
            call.stream() ? "stream_timeout" : "timeout")));
  }

  private static long timeoutOf(RelayCall call) {
    return call.stream() ? call.streamTimeoutMs() : call.timeoutMs();
  }

  private static Future<HttpClientResponse> send(RelayCall call, HttpClientRequest request, Buffer body) {
    // A client that leaves stops the provider too: no tokens generated for nobody. (A merged
    // embedding batch has no single client.)
    if (call.response() != null) {
      call.response().closeHandler(v -> request.reset());
    }
    Future<HttpClientResponse> sent = request.send(body);
    if (call.guard() == null) {
      return sent;
    }
    // A check beside the call that blocks stops the provider: the attempt fails with its error.
    AtomicReference<GatewayError> blocked = new AtomicReference<>();
    call.guard().providerCalled(error -> {
      blocked.set(error);
      request.reset(0, error);
    });
    return sent.recover(failure -> Future.failedFuture(blocked.get() != null ? blocked.get() : failure));
  }

  /** @param upstream the request as sent, without its body */
  private Future<RelayResult> receive(RelayCall call, HttpClientResponse response, UpstreamRequest upstream) {
    HttpClientRequest request = response.request();
    if (call.responded() != null) {
      call.responded().tryComplete(response.statusCode());
    }
    if (response.statusCode() / 100 != 2) {
      return response.body().compose(body -> Future.failedFuture(
          UpstreamErrors.fromResponse(call.deployment(), response.statusCode(), response.headers(), body)));
    }
    providerHeaders.accept(call.deployment(), response.headers());
    if (MediaRelay.handles(call.operation())) {
      return MediaRelay.start(call, request, response);
    }
    if (call.stream()) {
      ProviderAdapter adapter = call.deployment().provider().adapter();
      StreamTranslator translator = adapter.stream(call.operation(), call.deployment(), upstream, call.includeUsage(),
          call.body().released() ? new JsonObject() : call.body().json());
      return SseRelay.start(vertx, call, request, response, translator, adapter.streamFormat(), maxEventBytes, open);
    }
    return answer(call, response);
  }

  private Future<RelayResult> answer(RelayCall call, HttpClientResponse response) {
    return response.body().map(body -> {
      long firstByteNanos = System.nanoTime() - call.startNanos();
      Answer answer = call.deployment().provider().adapter().answer(call.operation(), call.deployment(), body,
          call.body().released() ? new JsonObject() : call.body().json());
      // Some providers count no tokens for embeddings (Gemini): charge the prompt's estimate, never nothing.
      Usage usage = call.operation() == Operation.EMBEDDING && answer.usage().totalTokens() == 0
          ? UsageEstimate.of(call.body().prompt(), 0) : answer.usage();
      Buffer answered = call.operation() == Operation.EMBEDDING && EmbeddingEncoding.wantsBase64(call.body().json())
          ? EmbeddingEncoding.asBase64(answer.body()) : answer.body();
      return new RelayResult(answered, usage, firstByteNanos, null, false);
    });
  }
}
