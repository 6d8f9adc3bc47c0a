package dev.switchboard.cache.semantic;

import dev.switchboard.model.Operation;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * The text a semantic cache embeds, as LiteLLM takes it: every message's content (a string, or
 * the {@code text} of its parts) concatenated with nothing between them; a completion's
 * {@code prompt}; the Responses API's {@code input} texts joined by newlines. The rest of the body
 * (system prompt, tools, temperature...) is not embedded: it must match exactly (the partition).
 */
public final class SemanticPrompt {

  private SemanticPrompt() {
  }

  /** The field that holds the prompt for this operation, or null for one no semantic cache takes. */
  public static String field(Operation operation) {
    return switch (operation) {
      case CHAT, MESSAGES -> "messages";
      case COMPLETION -> "prompt";
      case RESPONSES -> "input";
      default -> null;
    };
  }

  /** The text to embed, or null when the body has none (no semantic caching for it). */
  public static String text(Operation operation, JsonObject body) {
    String field = field(operation);
    Object value = field == null ? null : body.getValue(field);
    String text = switch (operation) {
      case CHAT, MESSAGES -> value instanceof JsonArray messages ? messages(messages) : null;
      case COMPLETION -> value instanceof String prompt ? prompt
          : value instanceof JsonArray prompts && prompts.size() == 1 && prompts.getValue(0) instanceof String one ? one
          : null;
      case RESPONSES -> responsesInput(value);
      default -> null;
    };
    return text == null || text.isBlank() ? null : text;
  }

  /** The body without its prompt: what must be equal, besides the tenant and model, for a semantic hit. */
  public static JsonObject withoutPrompt(Operation operation, JsonObject body) {
    JsonObject rest = body.copy();
    rest.remove(field(operation));
    return rest;
  }

  private static String messages(JsonArray messages) {
    StringBuilder text = new StringBuilder();
    for (Object message : messages) {
      if (message instanceof JsonObject m) {
        Object content = m.getValue("content");
        if (content instanceof String s) {
          text.append(s);
        } else if (content instanceof JsonArray parts) {
          for (Object part : parts) {
            if (part instanceof JsonObject p && p.getValue("text") instanceof String s) {
              text.append(s);
            }
          }
        }
      }
    }
    return text.toString();
  }

  private static String responsesInput(Object input) {
    StringBuilder text = new StringBuilder();
    collect(input, text);
    return text.toString().strip();
  }

  private static void collect(Object value, StringBuilder out) {
    if (value instanceof String s) {
      if (!s.isBlank()) {
        out.append(out.isEmpty() ? "" : "\n").append(s.strip());
      }
    } else if (value instanceof JsonArray items) {
      items.forEach(item -> collect(item, out));
    } else if (value instanceof JsonObject item) {
      if (item.getValue("content") != null) {
        collect(item.getValue("content"), out);
        return;
      }
      for (String key : new String[] {"text", "output", "input_text", "output_text"}) {
        if (item.getValue(key) instanceof String s && !s.isBlank()) {
          collect(s, out);
          return;
        }
      }
    }
  }
}
