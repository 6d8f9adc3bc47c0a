package dev.switchboard.provider;

/** What a client asks of a model, with the path OpenAI gives it under the API base. */
public enum Operation {
  CHAT("/chat/completions"),
  COMPLETION("/completions"),
  EMBEDDING("/embeddings");

  private final String openAiPath;

  Operation(String openAiPath) {
    this.openAiPath = openAiPath;
  }

  public String openAiPath() {
    return openAiPath;
  }
}
