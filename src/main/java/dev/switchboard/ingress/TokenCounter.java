package dev.switchboard.ingress;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingRegistry;
import com.knuddels.jtokkit.api.EncodingType;
import dev.switchboard.model.PromptSize;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * A prompt's tokens with OpenAI's own encodings (jtokkit), for models that use them: o200k_base for
 * gpt-4o, gpt-4.1, gpt-4.5, gpt-5 and the o-series, cl100k_base for gpt-4 and gpt-3.5. Messages are
 * framed as OpenAI documents it (3 tokens a message, its role and name, 3 to prime the reply); both
 * request shapes are read (OpenAI chat, Anthropic's system and content blocks). Images count at
 * their documented cost ({@link PromptSize}). An encoding is loaded on its first use only.
 */
final class TokenCounter {

  private static final EncodingRegistry ENCODINGS = Encodings.newLazyEncodingRegistry();
  private static final int MESSAGE_FRAMING = 3;
  private static final int REPLY_FRAMING = 3;

  private final Encoding encoding;

  private TokenCounter(Encoding encoding) {
    this.encoding = encoding;
  }

  /** The encoding of a model name (a provider prefix is ignored), or null when it is not an OpenAI model's. */
  static EncodingType encodingOf(String model) {
    if (model == null) {
      return null;
    }
    String name = model.substring(model.lastIndexOf('/') + 1).toLowerCase(java.util.Locale.ROOT);
    if (name.startsWith("gpt-4o") || name.startsWith("chatgpt-4o") || name.startsWith("gpt-4.1") || name.startsWith("gpt-4.5")
        || name.startsWith("gpt-5") || name.startsWith("gpt-oss") || name.matches("o[1-9](-.*)?")) {
      return EncodingType.O200K_BASE;
    }
    if (name.startsWith("gpt-4") || name.startsWith("gpt-3.5") || name.startsWith("gpt-35")
        || name.startsWith("text-embedding-3") || name.startsWith("text-embedding-ada-002")) {
      return EncodingType.CL100K_BASE;
    }
    return null;
  }

  /** Loads the encoding (a blocking read of its ranks on first use: call off the event loop). */
  static TokenCounter of(EncodingType type) {
    return new TokenCounter(ENCODINGS.getEncoding(type));
  }

  /** The prompt of a body: {@code prompt} as plain text, else {@code system}, {@code messages} and {@code tools}. */
  long count(JsonObject body) {
    long tokens = 0;
    Object prompt = body.getValue("prompt");
    if (prompt instanceof String text) {
      tokens += text(text);
    } else if (prompt instanceof JsonArray texts) {
      for (Object item : texts) {
        tokens += item instanceof String text ? text(text) : 1;
      }
    }
    Object system = body.getValue("system");
    if (system != null) {
      tokens += MESSAGE_FRAMING + text("system") + content(system);
    }
    if (body.getValue("messages") instanceof JsonArray messages) {
      for (Object item : messages) {
        if (item instanceof JsonObject message) {
          tokens += message(message);
        }
      }
      tokens += REPLY_FRAMING;
    }
    for (String field : new String[] {"tools", "functions"}) {
      if (body.getValue(field) instanceof JsonArray list && !list.isEmpty()) {
        tokens += text(list.encode());
      }
    }
    return tokens;
  }

  private long message(JsonObject message) {
    long tokens = MESSAGE_FRAMING + content(message.getValue("content"));
    if (message.getValue("role") instanceof String role) {
      tokens += text(role);
    }
    if (message.getValue("name") instanceof String name) {
      tokens += 1 + text(name);
    }
    for (String field : new String[] {"tool_calls", "function_call"}) {
      if (message.getValue(field) != null) {
        tokens += text(String.valueOf(message.getValue(field)));
      }
    }
    return tokens;
  }

  /** A string, or a list of parts or blocks: text, images, tool use and results. */
  private long content(Object content) {
    if (content instanceof String text) {
      return text(text);
    }
    if (!(content instanceof JsonArray parts)) {
      return content == null ? 0 : text(String.valueOf(content));
    }
    long tokens = 0;
    for (Object item : parts) {
      if (!(item instanceof JsonObject part)) {
        tokens += item instanceof String text ? text(text) : 0;
        continue;
      }
      String type = String.valueOf(part.getValue("type"));
      switch (type) {
        case "text", "input_text" -> tokens += text(String.valueOf(part.getValue("text")));
        case "image", "image_url" -> tokens += image(part);
        case "tool_use" -> tokens += text(String.valueOf(part.getValue("name"))) + text(String.valueOf(part.getValue("input")));
        case "tool_result" -> tokens += content(part.getValue("content"));
        default -> tokens += text(part.encode());
      }
    }
    return tokens;
  }

  /** An image at its documented cost: the gateway's estimate of a message holding only it. */
  private static long image(JsonObject part) {
    return PromptSize.of(new JsonObject().put("messages", new JsonArray()
        .add(new JsonObject().put("role", "user").put("content", new JsonArray().add(part))))).tokens();
  }

  private long text(String text) {
    return encoding.countTokensOrdinary(text);
  }
}
