package dev.switchboard.tracing;

import dev.switchboard.errors.GatewayError;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.vertx.core.Future;

/**
 * The spans of one request: its server span and the stages under it (auth, ratelimit, route and
 * its attempts, pick, provider call, relay). Owned by the request's event loop. {@link #OFF} hands
 * out OpenTelemetry's invalid span, on which every call does nothing, so stages call it
 * unconditionally; what costs more than a call (building a string) is guarded by {@link #on()}.
 * Attributes carry ids and statuses only: never a key, a key hash or a prompt.
 */
public final class RequestSpans {

  public static final String REQUEST_ID = "switchboard.request_id";

  public static final RequestSpans OFF = new RequestSpans(null, Span.getInvalid());

  private final Tracer tracer;
  private final Span root;

  RequestSpans(Tracer tracer, Span root) {
    this.tracer = tracer;
    this.root = root;
  }

  public boolean on() {
    return tracer != null;
  }

  /** The request's server span. */
  public Span root() {
    return root;
  }

  /** A stage directly under the request's span. */
  public Span start(String name) {
    return start(name, root, SpanKind.INTERNAL);
  }

  /** A stage under {@code parent} (one of this request's spans). */
  public Span start(String name, Span parent, SpanKind kind) {
    if (tracer == null) {
      return Span.getInvalid();
    }
    return tracer.spanBuilder(name).setParent(Context.root().with(parent)).setSpanKind(kind).startSpan();
  }

  /** Ends {@code span}, marked as an error of {@code errorType} with {@code status} when one is given. */
  public static void end(Span span, int status, String errorType) {
    if (!span.isRecording()) {
      return;
    }
    if (status > 0) {
      span.setAttribute("http.response.status_code", status);
    }
    if (errorType != null) {
      span.setAttribute("error.type", errorType);
      span.setStatus(StatusCode.ERROR);
    }
    span.end();
  }

  /** {@code future}, ending {@code span} when it completes (as an error when it fails); itself when the span is off. */
  public static <T> Future<T> ending(Future<T> future, Span span) {
    if (!span.isRecording()) {
      return future;
    }
    return future.andThen(done -> {
      GatewayError error = done.failed() ? GatewayError.of(done.cause()) : null;
      end(span, error == null ? 0 : error.status(), error == null ? null : error.type());
    });
  }
}
