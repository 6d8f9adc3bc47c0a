package dev.switchboard.guardrail;

import java.util.Map;

/**
 * {@code prompt_limits} (Switchboard's own): a request over {@code max_prompt_chars} characters of
 * text or {@code max_messages} messages is refused before any provider sees it.
 */
final class PromptLimits implements Check {

  private final long maxChars;
  private final long maxMessages;

  PromptLimits(long maxChars, long maxMessages) {
    this.maxChars = maxChars;
    this.maxMessages = maxMessages;
  }

  static PromptLimits of(Map<String, Object> params) {
    long chars = limit(params, "max_prompt_chars");
    long messages = limit(params, "max_messages");
    if (chars == Long.MAX_VALUE && messages == Long.MAX_VALUE) {
      throw new IllegalArgumentException("set max_prompt_chars, max_messages or both");
    }
    return new PromptLimits(chars, messages);
  }

  private static long limit(Map<String, Object> params, String key) {
    Object value = params.get(key);
    if (value == null) {
      return Long.MAX_VALUE;
    }
    if (!(value instanceof Number n) || n.longValue() < 1) {
      throw new IllegalArgumentException(key + " must be a whole number of at least 1, got '" + value + "'");
    }
    return n.longValue();
  }

  @Override
  public Verdict check(Texts texts) {
    if (texts.messages() > maxMessages) {
      return Verdict.block("The request has " + texts.messages() + " messages; this gateway allows at most " + maxMessages
          + ". Shorten the conversation.");
    }
    long chars = texts.chars();
    if (chars > maxChars) {
      return Verdict.block("The prompt has " + chars + " characters; this gateway allows at most " + maxChars
          + ". Shorten it.");
    }
    return Verdict.PASS;
  }
}
