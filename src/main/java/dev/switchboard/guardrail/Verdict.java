package dev.switchboard.guardrail;

import java.util.List;

/**
 * What one check decided: pass (perhaps after masking in place), or block with a reason the client
 * reads. {@code findings} name what was seen (entity names, never the matched text), for the log.
 * {@code unavailable}: the block is a guardrail service that could not answer (failing closed).
 */
public record Verdict(String blocked, List<String> findings, boolean unavailable) {

  static final Verdict PASS = new Verdict(null, List.of(), false);

  static Verdict block(String reason) {
    return new Verdict(reason, List.of(), false);
  }

  static Verdict block(String reason, List<String> findings) {
    return new Verdict(reason, List.copyOf(findings), false);
  }

  static Verdict unavailable(String reason) {
    return new Verdict(reason, List.of(), true);
  }

  static Verdict noted(List<String> findings) {
    return findings.isEmpty() ? PASS : new Verdict(null, List.copyOf(findings), false);
  }

  public boolean isBlocked() {
    return blocked != null;
  }
}
