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

  private JsonObject json;
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

  /** The answer has begun: the body is not sent again. */
  public void release() {
    json = null;
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
