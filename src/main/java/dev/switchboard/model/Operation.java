package dev.switchboard.model;

/**
 * What a client asks of a model, with its path under the API base. MESSAGES is Anthropic's chat,
 * in Anthropic's format, as Claude Code and the Anthropic SDKs send it.
 */
public enum Operation {
  CHAT("/chat/completions"),
  COMPLETION("/completions"),
  EMBEDDING("/embeddings"),
  MESSAGES("/messages"),
  /** OpenAI's Responses API: passed through to OpenAI and Azure, translated to chat for the others. */
  RESPONSES("/responses");

  private final String path;

  Operation(String path) {
    this.path = path;
  }

  public String path() {
    return path;
  }
}
