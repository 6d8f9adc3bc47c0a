package dev.switchboard.guardrail.service;

import java.util.List;

/**
 * What one service call checks: the texts of a request (prompt) or of an answer, and the
 * request's id (sent where the service takes a call id, and in log lines).
 */
public record Subject(List<String> texts, boolean answer, String requestId) {

  public Subject {
    texts = List.copyOf(texts);
  }
}
