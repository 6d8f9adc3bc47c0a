package dev.switchboard.callbacks;

import dev.switchboard.config.CallbackSettings;
import dev.switchboard.spend.SpendEvent;
import dev.switchboard.spend.SpendListener;
import dev.switchboard.spend.SpendRow;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.VerticleBase;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import dev.switchboard.config.StartupException;
import dev.switchboard.provider.CloudAuth;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.util.ArrayList;
import java.util.function.Function;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The logging callbacks of one gateway ({@code success_callback}, {@code failure_callback},
 * {@code callbacks}): told of each spend row, it hands the request to every sink that wants its
 * outcome (success or failure) and returns; each sink posts from its own context. One per gateway.
 */
public final class Callbacks implements SpendListener {

  /** The most request and answer bytes one sink's queue keeps alive. */
  static final long MAX_QUEUED_BYTES = 32L * 1024 * 1024;
  static final long POST_TIMEOUT_MS = 10_000;
  private static final long CLOSE_WAIT_MS = 2_000;

  private record Target(CallbackSettings.Sink sink, SinkQueue queue) {
  }

  private final CallbackSettings settings;
  private final List<Target> targets = new ArrayList<>();
  private final HttpClientAgent client;
  private final List<Meter> meters = new ArrayList<>();
  private MeterRegistry registry;
  private String deployment;
  private Vertx vertx;

  private Callbacks(Vertx vertx, CallbackSettings settings, Clock clock) {
    this.settings = settings;
    // A few connections per sink host, and a bounded wait: sinks are posted one batch at a time.
    this.client = settings.isEmpty() ? null : vertx.createHttpClient(new HttpClientOptions()
        .setConnectTimeout((int) POST_TIMEOUT_MS).setIdleTimeout((int) POST_TIMEOUT_MS)
        .setIdleTimeoutUnit(TimeUnit.MILLISECONDS), new PoolOptions().setHttp1MaxSize(2).setMaxWaitQueueSize(16));
    for (CallbackSettings.Sink sink : settings.sinks()) {
      String name = sink.kind().name().toLowerCase(Locale.ROOT);
      SinkQueue queue = new SinkQueue(name, settings.queueSize(), MAX_QUEUED_BYTES, settings.batchSize(),
          delivery(sink, clock));
      targets.add(new Target(sink, queue));
    }
  }

  /**
   * The sinks of {@code settings}, draining on the context of a verticle of their own (not a
   * request's loop context), their counters in {@code registry}.
   */
  public static Future<Callbacks> start(Vertx vertx, CallbackSettings settings, MeterRegistry registry) {
    return start(vertx, settings, registry, Clock.systemUTC());
  }

  /** @param clock dates the bucket sinks' objects and signs S3 uploads; tests fix it */
  public static Future<Callbacks> start(Vertx vertx, CallbackSettings settings, MeterRegistry registry, Clock clock) {
    Callbacks callbacks;
    try {
      callbacks = new Callbacks(vertx, settings, clock);
    } catch (IllegalArgumentException unusable) {
      return Future.failedFuture(new StartupException(unusable.getMessage()));
    }
    if (registry != null) {
      callbacks.register(registry);
    }
    if (callbacks.targets.isEmpty()) {
      return Future.succeededFuture(callbacks);
    }
    return vertx.deployVerticle(new VerticleBase() {
      @Override
      public Future<?> start() {
        callbacks.targets.forEach(target -> target.queue().start(context, settings.flushIntervalMs()));
        return Future.succeededFuture();
      }
    }).map(id -> {
      callbacks.deployment = id;
      callbacks.vertx = vertx;
      return callbacks;
    });
  }

  /** The sinks' meters in {@code registry}, until {@link #close()} removes them (a reload's next sinks take their names). */
  synchronized void register(MeterRegistry registry) {
    this.registry = registry;
    targets.forEach(target -> meters(target.queue(), registry));
  }

  private void meters(SinkQueue queue, MeterRegistry registry) {
    meters.add(FunctionCounter.builder("switchboard_callback_events_dropped", queue, SinkQueue::dropped).tag("callback", queue.name)
        .description("Logging events dropped: the sink's queue was full or its posts kept failing").register(registry));
    meters.add(FunctionCounter.builder("switchboard_callback_events_delivered", queue, SinkQueue::delivered)
        .tag("callback", queue.name).description("Logging events the sink accepted").register(registry));
    meters.add(FunctionCounter.builder("switchboard_callback_post_failures", queue, SinkQueue::failedPosts)
        .tag("callback", queue.name).description("Posts to the sink that failed (each retry counts)").register(registry));
    meters.add(Gauge.builder("switchboard_callback_queue_depth", queue, SinkQueue::queued).tag("callback", queue.name)
        .description("Logging events waiting for the sink").register(registry));
  }

  /** The settings these sinks were started from. */
  public CallbackSettings settings() {
    return settings;
  }

  /** Whether some sink may log prompt text: there is one, and message logging is not turned off for all. */
  public boolean logsPrompts() {
    return !targets.isEmpty() && !settings.turnOffMessageLogging();
  }

  @Override
  public void recorded(SpendEvent event, SpendRow row) {
    if (targets.isEmpty()) {
      return;
    }
    LoggedCall call = new LoggedCall(event, row, settings.turnOffMessageLogging());
    for (Target target : targets) {
      if (call.failed ? target.sink().onFailure() : target.sink().onSuccess()) {
        target.queue().offer(call);
      }
    }
  }

  /** How one sink takes a batch: one post in its wire format, or an object per event in a bucket. */
  private Function<List<JsonObject>, Future<Void>> delivery(CallbackSettings.Sink sink, Clock clock) {
    return switch (sink.kind()) {
      case S3 -> BucketUploads.s3(client, sink, clock);
      case GCS_BUCKET -> {
        try {
          CloudAuth.googleAccount(sink.extra().get("key_json"));
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("GCS_PATH_SERVICE_ACCOUNT names a key file that " + e.getMessage()
              + "; give a service-account key file");
        }
        yield BucketUploads.gcs(client, sink, clock);
      }
      default -> {
        SinkFormat format = SinkFormat.of(sink);
        yield payloads -> post(sink, format.body(payloads));
      }
    };
  }

  private Future<Void> post(CallbackSettings.Sink sink, Buffer body) {
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(sink.url())
        .setConnectTimeout(POST_TIMEOUT_MS).setIdleTimeout(POST_TIMEOUT_MS)
        .putHeader("content-type", "application/json");
    sink.headers().forEach(options::putHeader);
    return client.request(options)
        .compose(request -> request.send(body))
        .compose(response -> response.body().compose(answer -> response.statusCode() / 100 == 2
            ? Future.<Void>succeededFuture()
            : Future.failedFuture("HTTP " + response.statusCode() + " from " + sink.kind())))
        .timeout(POST_TIMEOUT_MS * 2, TimeUnit.MILLISECONDS);
  }

  /** Dropped events of the sink named {@code name} ({@code langfuse}, {@code datadog}, {@code generic_api}). */
  public long dropped(String name) {
    return targets.stream().filter(t -> t.queue().name.equals(name)).mapToLong(t -> t.queue().dropped()).sum();
  }

  /** Posts what is still queued (briefly), then closes the client. */
  public Future<Void> close() {
    synchronized (this) {
      if (registry != null) {
        meters.forEach(registry::remove);
        meters.clear();
      }
    }
    List<Future<Void>> closing = new ArrayList<>();
    targets.forEach(t -> closing.add(t.queue().close(CLOSE_WAIT_MS)));
    return Future.join(closing).eventually(() -> client == null ? Future.succeededFuture() : client.close())
        .eventually(() -> deployment == null ? Future.succeededFuture() : vertx.undeploy(deployment))
        .mapEmpty();
  }
}
