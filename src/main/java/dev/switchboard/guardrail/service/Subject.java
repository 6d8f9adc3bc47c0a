package dev.switchboard.guardrail.service;

import java.util.List;
import java.util.Map;

/**
 * What one service call checks: the texts of a request (prompt) or of an answer, the request's id
 * (sent where the service takes a call id, and in log lines), and the request's PII tokens: what a
 * mask put in the prompt, mapped to the original text, to put back in the answer (Presidio's
 * {@code output_parse_pii}), and who is calling in LiteLLM's {@code user_api_key_*} fields (the
 * generic API's {@code request_data}), and the request's {@code extra_body} for this guardrail
 * (LiteLLM's dynamic params, added to the service's request). All are the request's own, never logged.
 */
public record Subject(List<String> texts, boolean answer, String requestId, Map<String, String> piiTokens,
    io.vertx.core.json.JsonObject caller, io.vertx.core.json.JsonObject extraBody) {

  public Subject {
    texts = List.copyOf(texts);
  }
}
