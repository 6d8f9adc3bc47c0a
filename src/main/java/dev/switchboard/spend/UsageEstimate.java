package dev.switchboard.spend;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Usage when a provider reports none (a stream cut short, a provider without stream usage): about
 * four characters per token, OpenAI's rule of thumb, so spend and token limits never see zero for
 * an answer that was in fact produced.
 */
public final class UsageEstimate {

  private static final int CHARS_PER_TOKEN = 4;

  private UsageEstimate() {
  }

  public static Usage of(long promptChars, long completionChars) {
    long prompt = tokens(promptChars);
    long completion = tokens(completionChars);
    return new Usage(prompt, completion, prompt + completion, 0);
  }

  static long tokens(long chars) {
    return (chars + CHARS_PER_TOKEN - 1) / CHARS_PER_TOKEN;
  }

  /** The characters of the prompt: message texts and tool-call arguments, a completion prompt, or embedding input. */
  public static long promptChars(JsonObject body) {
    long chars = 0;
    if (body.getValue("messages") instanceof JsonArray messages) {
      for (Object item : messages) {
        if (item instanceof JsonObject message) {
          chars += textChars(message.getValue("content"));
          if (message.getValue("tool_calls") instanceof JsonArray calls) {
            chars += calls.encode().length();
          }
        }
      }
    }
    chars += textChars(body.getValue("prompt"));
    chars += textChars(body.getValue("input"));
    return chars;
  }

  private static long textChars(Object content) {
    if (content instanceof String text) {
      return text.length();
    }
    long chars = 0;
    if (content instanceof JsonArray parts) {
      for (Object part : parts) {
        if (part instanceof String text) {
          chars += text.length();
        } else if (part instanceof JsonObject object && object.getValue("text") instanceof String text) {
          chars += text.length();
        }
      }
    }
    return chars;
  }
}
