package dev.switchboard.model;

import io.vertx.core.json.JsonObject;

/**
 * A model call's parsed body, held only while it may still be sent. It grows with the prompt (tens
 * of KB for an agent's conversation), and a stream lives for minutes: once a stream's first byte
 * has reached the client nothing can be retried or fall back, so the relay lets the body go and
 * the stream keeps only what its end still needs, read here at parse time. Owned by the request's
 * event loop.
 */
public final class CallBody {

  /** The fields a logging event never reads: not kept for it once the body is released. */
  private static final java.util.Set<String> NOT_LOGGED = java.util.Set.of("metadata", "litellm_metadata", "guardrails",
      "api_key", "api_base", "tags", "user");
  private static final java.util.List<String> PROMPT_FIELDS = java.util.List.of("messages", "input", "prompt");

  private JsonObject json;
  /** What a logging callback still reads once the body is released, or null. */
  private JsonObject logged;
  private long keepForLoggingUpTo = -1;
  private final PromptSize prompt;
  private final String user;
  private final boolean hasOutput;
  private final long unitsAsked;
  private final String unitVariant;

  /** A body whose answer has output unless it carries {@code input} (embeddings). */
  public CallBody(JsonObject json) {
    this(json, !json.containsKey("input"));
  }

  /** @param hasOutput whether the answer is generated text (false for embeddings), for budget estimates */
  public CallBody(JsonObject json, boolean hasOutput) {
    this(json, hasOutput, 0);
  }

  /** @param unitsAsked the media units the request is billed for whatever the answer ({@link MediaCalls#unitsAsked}) */
  public CallBody(JsonObject json, boolean hasOutput, long unitsAsked) {
    this(json, hasOutput, unitsAsked, null);
  }

  /** @param unitVariant what decides the units' price beyond the model ({@link MediaCalls#variant}), or null */
  public CallBody(JsonObject json, boolean hasOutput, long unitsAsked, String unitVariant) {
    this.unitVariant = unitVariant;
    this.unitsAsked = unitsAsked;
    this.hasOutput = hasOutput;
    this.json = json;
    this.prompt = PromptSize.of(json);
    this.user = json.getValue("user") instanceof String name ? name : null;
  }

  /** @throws IllegalStateException once released: reading it then is a bug, not a missing field */
  public JsonObject json() {
    if (json == null) {
      throw new IllegalStateException("the call's body was released when its answer began");
    }
    return json;
  }

  /** The answer has begun: the body is not sent again (what {@link #keepForLogging} asked for stays). */
  public void release() {
    if (json != null && keepForLoggingUpTo >= 0) {
      logged = forLogging(json, prompt.bound() <= keepForLoggingUpTo);
    }
    json = null;
  }

  /**
   * A logging callback will want this request's prompt after the body is released: keep, then, the
   * fields its event reads (shared, not copied), the prompt itself only when it is at most
   * {@code maxPromptBytes}.
   */
  public void keepForLogging(long maxPromptBytes) {
    keepForLoggingUpTo = maxPromptBytes;
  }

  /** The body while it is held, else what was kept for logging, else null. */
  public JsonObject loggedRequest() {
    return json != null ? json : logged;
  }

  private static JsonObject forLogging(JsonObject body, boolean withPrompt) {
    JsonObject kept = new JsonObject();
    body.forEach(field -> {
      if (NOT_LOGGED.contains(field.getKey())) {
        return;
      }
      kept.put(field.getKey(), withPrompt || !PROMPT_FIELDS.contains(field.getKey()) ? field.getValue()
          : "[not kept for logging: the prompt is over the streamed-prompt logging bound]");
    });
    return kept;
  }

  public boolean released() {
    return json == null;
  }

  /** The prompt's size, for budgets, token limits and a usage estimate when the provider reports none. */
  public PromptSize prompt() {
    return prompt;
  }

  /** Whether the answer is generated output that is billed (false for embeddings). */
  public boolean hasOutput() {
    return hasOutput;
  }

  /** Media units known from the request (images, characters of speech): budgets reserve them, the relay bills them. */
  public long unitsAsked() {
    return unitsAsked;
  }

  /** An image's quality and size ("hd/1024-x-1792"), which its price depends on; null for other calls. */
  public String unitVariant() {
    return unitVariant;
  }

  /** The request's {@code user} (the end user, for the spend log), or null. */
  public String user() {
    return user;
  }
}
