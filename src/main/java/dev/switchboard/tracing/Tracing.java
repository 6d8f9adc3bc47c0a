package dev.switchboard.tracing;

import dev.switchboard.config.TracingSettings;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporterBuilder;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.http.HttpServerRequest;
import java.util.logging.Logger;

/**
 * The gateway's tracer, one per gateway: {@link #OFF} unless an OTLP endpoint is configured, and
 * then an OpenTelemetry SDK tracer whose spans a batch processor hands to the OTLP/HTTP exporter
 * on its own thread (ending a span only queues it; no event loop ever waits on the collector).
 * Off, there is no tracer at all and every request gets {@link RequestSpans#OFF}.
 */
public final class Tracing {

  private static final Logger LOG = Logger.getLogger(Tracing.class.getName());

  public static final Tracing OFF = new Tracing();

  /** A request's {@code traceparent} / {@code tracestate} from the client, read from Vert.x's headers. */
  private static final TextMapGetter<MultiMap> HEADERS = new TextMapGetter<>() {
    @Override
    public Iterable<String> keys(MultiMap carrier) {
      return carrier.names();
    }

    @Override
    public String get(MultiMap carrier, String key) {
      return carrier == null ? null : carrier.get(key);
    }
  };

  private final SdkTracerProvider provider;
  private final Tracer tracer;

  private Tracing() {
    this.provider = null;
    this.tracer = null;
  }

  /** Spans go to {@code processor} (tests pass an in-memory exporter's). */
  public Tracing(SpanProcessor processor, String serviceName) {
    this.provider = SdkTracerProvider.builder()
        .setResource(Resource.getDefault().merge(Resource.create(
            Attributes.of(io.opentelemetry.api.common.AttributeKey.stringKey("service.name"), serviceName))))
        .addSpanProcessor(processor)
        .build();
    this.tracer = provider.get("dev.switchboard");
  }

  /** {@link #OFF} for null settings; otherwise batches spans to the configured OTLP/HTTP endpoint. */
  public static Tracing of(TracingSettings settings) {
    if (settings == null) {
      return OFF;
    }
    OtlpHttpSpanExporterBuilder exporter = OtlpHttpSpanExporter.builder().setEndpoint(settings.endpoint());
    settings.headers().forEach(exporter::addHeader);
    LOG.info("Tracing: spans go to " + settings.endpoint() + " as service " + settings.serviceName());
    return new Tracing(BatchSpanProcessor.builder(exporter.build()).build(), settings.serviceName());
  }

  public boolean enabled() {
    return tracer != null;
  }

  /**
   * The server span of one request, a child of the client's {@code traceparent} when it sent one;
   * {@link RequestSpans#OFF} (no allocation, nothing recorded) when tracing is off.
   */
  public RequestSpans request(HttpServerRequest request, String requestId) {
    if (tracer == null) {
      return RequestSpans.OFF;
    }
    Context parent = W3CTraceContextPropagator.getInstance().extract(Context.root(), request.headers(), HEADERS);
    Span root = tracer.spanBuilder(request.method().name() + " " + request.path())
        .setParent(parent)
        .setSpanKind(SpanKind.SERVER)
        .setAttribute("http.request.method", request.method().name())
        .setAttribute("url.path", request.path())
        .setAttribute(RequestSpans.REQUEST_ID, requestId)
        .startSpan();
    return new RequestSpans(tracer, root);
  }

  /** Exports what is still queued and stops the exporter; completes off any event loop's time. */
  public Future<Void> close() {
    if (provider == null) {
      return Future.succeededFuture();
    }
    Promise<Void> closed = Promise.promise();
    provider.shutdown().whenComplete(closed::tryComplete);
    return closed.future();
  }
}
