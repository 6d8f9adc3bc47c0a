package dev.switchboard.guardrail.service;

import io.vertx.core.Future;

/**
 * A guardrail whose check is a call to an outside service. Non-blocking: the answer is a future,
 * bounded by the guardrail's timeout. A failed future means the service could not answer (down,
 * timed out, an answer it should not give); what then happens is {@link #failOpen()}.
 */
public interface GuardService {

  Future<Outcome> check(Subject subject);

  /**
   * Whether a service that cannot answer lets the text through (logged) rather than refusing it:
   * LiteLLM's choice for this service, or the guardrail's {@code unreachable_fallback}.
   */
  boolean failOpen();

  /** Whether it must also run on answers whatever its mode (Presidio's {@code output_parse_pii}). */
  default boolean checksAnswers() {
    return false;
  }
}
