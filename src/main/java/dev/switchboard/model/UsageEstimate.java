package dev.switchboard.model;

/**
 * Usage when a provider reports none (a stream cut short, a provider without stream usage): the
 * prompt as estimated when the request was parsed ({@link PromptSize}), the answer at about four
 * characters per token, OpenAI's rule of thumb, so spend and token limits never see zero for an
 * answer that was in fact produced.
 */
public final class UsageEstimate {

  private static final int CHARS_PER_TOKEN = 4;

  private UsageEstimate() {
  }

  public static Usage of(PromptSize prompt, long completionChars) {
    long completion = (completionChars + CHARS_PER_TOKEN - 1) / CHARS_PER_TOKEN;
    return new Usage(prompt.tokens(), completion, prompt.tokens() + completion, 0);
  }
}
