package dev.switchboard.guardrail.service;

import java.util.List;

/**
 * What a guardrail service said about some texts: block (with the reason the client reads), pass,
 * or pass with replaced texts (a mask, a modify). {@code findings} name what was seen (entity types,
 * categories), never the text itself, for the log.
 *
 * @param blocked  the reason of a block, or null
 * @param texts    the texts to send on instead, one per text checked, or null when unchanged
 * @param findings what was seen
 */
public record Outcome(String blocked, List<String> texts, List<String> findings) {

  public static final Outcome PASS = new Outcome(null, null, List.of());

  static Outcome block(String reason, List<String> findings) {
    return new Outcome(reason, null, List.copyOf(findings));
  }

  static Outcome replaced(List<String> texts, List<String> findings) {
    return new Outcome(null, List.copyOf(texts), List.copyOf(findings));
  }

  static Outcome noted(List<String> findings) {
    return findings.isEmpty() ? PASS : new Outcome(null, null, List.copyOf(findings));
  }

  public boolean isBlocked() {
    return blocked != null;
  }
}
