package dev.switchboard.guardrail;

/** When a guardrail runs, LiteLLM's {@code mode} values. */
public enum Mode {
  /** On the request, before routing: may block it or mask what is sent. */
  PRE_CALL,
  /** On the answer: may block it or mask it; on a stream, on a sliding window of its text. */
  POST_CALL,
  /** On the request, beside the provider call: a block cancels the call. */
  DURING_CALL,
  /** On request and answer, only logging what it finds. */
  LOGGING_ONLY;

  static Mode of(String text) {
    return valueOf(text.toUpperCase(java.util.Locale.ROOT));
  }
}
