package dev.switchboard.testing;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Request bodies for tests, instead of the same JSON written out in each:
 * {@code Requests.chat("chat").user("Hi").stream().build()}.
 */
public final class Requests {

  private Requests() {
  }

  /** An OpenAI chat completion for {@code model}; with no message added it asks "Hi". */
  public static Chat chat(String model) {
    return new Chat(model);
  }

  /** An Anthropic /v1/messages body: the same shape (its {@code system} and {@code max_tokens} set with put). */
  public static Chat messages(String model) {
    return new Chat(model);
  }

  /** The smallest chat completion: {@code model}, one user message "Hi". */
  public static JsonObject hi(String model) {
    return chat(model).build();
  }

  /** An OpenAI embeddings request for {@code model}. */
  public static JsonObject embeddings(String model, String... inputs) {
    JsonArray input = new JsonArray();
    for (String text : inputs) {
      input.add(text);
    }
    return new JsonObject().put("model", model).put("input", input);
  }

  /** A chat completion being built; {@link #build} gives a new JsonObject each time. */
  public static final class Chat {

    private final JsonObject body;
    private final JsonArray messages = new JsonArray();

    private Chat(String model) {
      body = new JsonObject().put("model", model);
    }

    public Chat user(String content) {
      return message("user", content);
    }

    public Chat system(String content) {
      return message("system", content);
    }

    public Chat assistant(String content) {
      return message("assistant", content);
    }

    public Chat message(String role, Object content) {
      messages.add(new JsonObject().put("role", role).put("content", content));
      return this;
    }

    public Chat stream() {
      body.put("stream", true);
      return this;
    }

    /** Streams and asks for the usage chunk at the end. */
    public Chat streamWithUsage() {
      body.put("stream", true).put("stream_options", new JsonObject().put("include_usage", true));
      return this;
    }

    public Chat maxTokens(int tokens) {
      body.put("max_tokens", tokens);
      return this;
    }

    /** Any other field of the body ({@code num_retries}, {@code metadata}, {@code timeout}, ...). */
    public Chat put(String field, Object value) {
      body.put(field, value);
      return this;
    }

    public JsonObject build() {
      JsonArray sent = messages.isEmpty()
          ? new JsonArray().add(new JsonObject().put("role", "user").put("content", "Hi"))
          : messages.copy();
      return body.copy().put("messages", sent);
    }

    public Buffer buffer() {
      return build().toBuffer();
    }
  }
}
