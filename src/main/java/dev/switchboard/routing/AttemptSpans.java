package dev.switchboard.routing;

import dev.switchboard.errors.GatewayError;
import dev.switchboard.model.Deployment;
import dev.switchboard.model.RelayResult;
import dev.switchboard.tracing.RequestSpans;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;

/**
 * The spans of one attempt under the request's {@code route} span: {@code attempt} (group, retry,
 * fallback, deployment, outcome) with {@code pick}, then {@code provider_call} until the provider's
 * response headers and {@code relay} from there to the end of its body or stream. Owned by the
 * request's event loop; {@link #OFF} when tracing is off.
 */
final class AttemptSpans {

  static final AttemptSpans OFF = new AttemptSpans(null, Span.getInvalid());

  private final RequestSpans spans;
  private final Span attempt;
  private Span pick;
  private Span provider;
  private Span relay;

  private AttemptSpans(RequestSpans spans, Span attempt) {
    this.spans = spans;
    this.attempt = attempt;
  }

  /** @param number the attempt's place in the request (1 for the first), over retries and fallbacks */
  static AttemptSpans start(RequestSpans spans, Span route, String group, int retry, boolean fallback, int number) {
    if (!spans.on()) {
      return OFF;
    }
    Span attempt = spans.start("attempt", route, SpanKind.INTERNAL)
        .setAttribute("switchboard.attempt", number)
        .setAttribute("switchboard.model_group", group)
        .setAttribute("switchboard.retry", retry)
        .setAttribute("switchboard.fallback", fallback);
    AttemptSpans out = new AttemptSpans(spans, attempt);
    out.pick = spans.start("pick", attempt, SpanKind.INTERNAL);
    return out;
  }

  boolean on() {
    return spans != null;
  }

  void picked(Deployment deployment) {
    if (spans == null) {
      return;
    }
    pick = close(pick, 0, null);
    attempt.setAttribute("switchboard.deployment.id", deployment.id())
        .setAttribute("gen_ai.provider.name", deployment.provider().prefix());
    provider = spans.start("provider_call", attempt, SpanKind.CLIENT)
        .setAttribute("switchboard.deployment.id", deployment.id())
        .setAttribute("gen_ai.request.model", deployment.upstreamModel());
  }

  /** The provider's response headers arrived with {@code status}. */
  void responded(int status) {
    if (spans == null || provider == null) {
      return;
    }
    provider = close(provider, status, status / 100 == 2 ? null : "http_" + status);
    if (status / 100 == 2) {
      relay = spans.start("relay", attempt, SpanKind.INTERNAL);
    }
  }

  /** The attempt ended: with {@code result}, or with {@code error} (a failed pick, reservation or call). */
  void finished(RelayResult result, GatewayError error) {
    if (spans == null) {
      return;
    }
    GatewayError failure = error != null ? error : result == null ? null : result.streamError();
    int status = failure != null ? failure.status() : result != null && result.clientGone() ? 499 : 200;
    String type = failure != null ? failure.type() : null;
    pick = close(pick, status, type);
    provider = close(provider, status, type);
    if (relay != null && result != null && result.clientGone()) {
      relay.setAttribute("switchboard.client_gone", true);
    }
    relay = close(relay, 0, type);
    close(attempt, status, type);
  }

  private static Span close(Span span, int status, String errorType) {
    if (span != null) {
      RequestSpans.end(span, status, errorType);
    }
    return null;
  }
}
