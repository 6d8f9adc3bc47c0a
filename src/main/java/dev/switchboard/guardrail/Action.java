package dev.switchboard.guardrail;

import java.util.Locale;

/** What a rule does with what it finds: refuse the text, replace what it found, or only log it. */
public enum Action {
  BLOCK, MASK, LOG;

  static Action of(Object value, Action fallback) {
    if (value == null) {
      return fallback;
    }
    try {
      return valueOf(String.valueOf(value).trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("action must be BLOCK, MASK or LOG, got '" + value + "'");
    }
  }
}
