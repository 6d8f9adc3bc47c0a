package dev.switchboard.routing;

import dev.switchboard.model.Deployment;
import dev.switchboard.tracing.RequestSpans;
import io.opentelemetry.api.trace.Span;

/**
 * What routing did for one request, read by the ingress when it answers and settles: the deployment
 * that answered (or failed last), whether a deployment slot is still held for it, and how many
 * retries and fallbacks it took; and the request's spans, under which routing adds its own. Owned
 * by the request's event loop.
 */
public final class CallTrace {

  final RequestSpans spans;
  /** The request's {@code route} span, the parent of its attempts. */
  Span route = Span.getInvalid();

  Deployment deployment;
  boolean slotHeld;
  int retries;
  int fallbacks;
  long providerNanos;
  /** An attempt went to the relay: the request reached (or tried to reach) a provider. */
  boolean providerCalled;

  public CallTrace(RequestSpans spans) {
    this.spans = spans;
  }

  /** The deployment that answered, or the last one tried; null when none was picked. */
  public Deployment deployment() {
    return deployment;
  }

  /** The deployment slot the request still holds (to give back with the permit), or null. */
  public Deployment heldSlot() {
    return slotHeld ? deployment : null;
  }

  public int retries() {
    return retries;
  }

  public int fallbacks() {
    return fallbacks;
  }

  /** Whether any attempt went to a provider; false for a request refused by routing or its budget. */
  public boolean providerCalled() {
    return providerCalled;
  }

  /** Time spent in the relay over every attempt: the providers' share of the request's time. */
  public long providerNanos() {
    return providerNanos;
  }

  /** A call sent straight to the one deployment that can take it, without routing (a file or batch lives at one). */
  public void direct(Deployment deployment) {
    this.deployment = deployment;
    this.providerCalled = true;
  }
}
