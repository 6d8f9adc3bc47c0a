package dev.switchboard.model;

/**
 * What a client asks of a model, with its path under the API base. MESSAGES is Anthropic's chat,
 * in Anthropic's format, as Claude Code and the Anthropic SDKs send it.
 */
public enum Operation {
  CHAT("/chat/completions", "acompletion"),
  COMPLETION("/completions", "atext_completion"),
  EMBEDDING("/embeddings", "aembedding"),
  MESSAGES("/messages", "anthropic_messages"),
  /** OpenAI's Responses API: passed through to OpenAI and Azure, translated to chat for the others. */
  RESPONSES("/responses", "aresponses"),
  /** Cohere's rerank shape, as LiteLLM serves it (also on {@code /v2/rerank}). */
  RERANK("/rerank", "arerank"),
  /** OpenAI's moderations, passed through to OpenAI-format deployments. */
  MODERATION("/moderations", "amoderation"),
  /** Media calls ({@link MediaCalls}): passed through to OpenAI-format and Azure deployments, priced per unit. */
  IMAGE_GENERATION("/images/generations", "aimage_generation"),
  /** A multipart/form-data upload ({@code image} or {@code image[]}, {@code mask}, {@code prompt}), as TRANSCRIPTION's. */
  IMAGE_EDIT("/images/edits", "aimage_edit"),
  SPEECH("/audio/speech", "aspeech"),
  /** A multipart/form-data upload; its form's fields are the body's, its file a {@link MediaCalls} file object. */
  TRANSCRIPTION("/audio/transcriptions", "atranscription"),
  /** Whisper's audio-to-English, multipart as TRANSCRIPTION; LiteLLM has no such call type, so this one is the gateway's name. */
  TRANSLATION("/audio/translations", "atranslation");

  private final String path;
  private final String callType;

  Operation(String path, String callType) {
    this.path = path;
    this.callType = callType;
  }

  /** LiteLLM's name for the call in its spend logs ({@code call_type}). */
  public String callType() {
    return callType;
  }

  public String path() {
    return path;
  }
}
