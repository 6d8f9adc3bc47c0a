package dev.switchboard.guardrail;

import java.util.List;

/**
 * What one check decided: pass (perhaps after masking in place), or block with a reason the client
 * reads. {@code findings} name what was seen (entity names, never the matched text), for the log.
 */
public record Verdict(String blocked, List<String> findings) {

  static final Verdict PASS = new Verdict(null, List.of());

  static Verdict block(String reason) {
    return new Verdict(reason, List.of());
  }

  static Verdict noted(List<String> findings) {
    return findings.isEmpty() ? PASS : new Verdict(null, List.copyOf(findings));
  }

  public boolean isBlocked() {
    return blocked != null;
  }
}
