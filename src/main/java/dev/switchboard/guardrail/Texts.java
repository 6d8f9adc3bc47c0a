package dev.switchboard.guardrail;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The texts of one request or answer, each with the place it came from so a mask writes it back:
 * message contents (strings and text parts), {@code system}, {@code prompt}, {@code input}; in an
 * answer, the choices' content or text, Anthropic's text blocks and the Responses API's output text.
 */
public final class Texts {

  private final List<String> values = new ArrayList<>();
  private final List<Consumer<String>> writers = new ArrayList<>();
  private final int messages;

  private Texts(int messages) {
    this.messages = messages;
  }

  /** The prompt texts of a request body (chat, completions, embeddings, messages, responses). */
  public static Texts ofRequest(JsonObject body) {
    JsonArray list = body.getValue("messages") instanceof JsonArray m ? m : null;
    Texts texts = new Texts(list == null ? 0 : list.size());
    texts.content(body, "system");
    if (list != null) {
      for (Object message : list) {
        if (message instanceof JsonObject m) {
          texts.content(m, "content");
        }
      }
    }
    texts.content(body, "prompt");
    texts.content(body, "input");
    texts.content(body, "instructions");
    return texts;
  }

  /** The answer texts of a provider's JSON answer in the client's format. */
  public static Texts ofAnswer(JsonObject answer) {
    Texts texts = new Texts(0);
    if (answer.getValue("choices") instanceof JsonArray choices) {
      for (Object choice : choices) {
        if (choice instanceof JsonObject c) {
          if (c.getValue("message") instanceof JsonObject message) {
            texts.content(message, "content");
          }
          texts.content(c, "text");
        }
      }
    }
    texts.content(answer, "content"); // Anthropic: a list of blocks
    if (answer.getValue("output") instanceof JsonArray output) {
      for (Object item : output) {
        if (item instanceof JsonObject o) {
          texts.content(o, "content");
        }
      }
    }
    return texts;
  }

  /** One text on its own (a stream's window). */
  public static Texts of(String text) {
    Texts texts = new Texts(0);
    texts.add(text, v -> { });
    return texts;
  }

  /** A string, or a list of strings or of parts with {@code text}, under {@code key}. */
  private void content(JsonObject holder, String key) {
    Object value = holder.getValue(key);
    if (value instanceof String s) {
      add(s, v -> holder.put(key, v));
    } else if (value instanceof JsonArray parts) {
      for (int i = 0; i < parts.size(); i++) {
        int at = i;
        Object part = parts.getValue(i);
        if (part instanceof String s) {
          add(s, v -> parts.set(at, v));
        } else if (part instanceof JsonObject p && p.getValue("text") instanceof String s) {
          add(s, v -> p.put("text", v));
        } else if (part instanceof JsonObject p && p.containsKey("content")) {
          content(p, "content"); // a Responses API input item: {role, content: [{type: input_text, text}]}
        }
      }
    }
  }

  private void add(String value, Consumer<String> writer) {
    values.add(value);
    writers.add(writer);
  }

  /** The same texts, detached: writing them changes nothing else (a logging_only check's view). */
  public Texts copy() {
    Texts copy = new Texts(messages);
    values.forEach(value -> copy.add(value, v -> { }));
    return copy;
  }

  public int size() {
    return values.size();
  }

  public String get(int i) {
    return values.get(i);
  }

  /** Replaces text {@code i} where it came from (a mask). */
  public void set(int i, String value) {
    if (!value.equals(values.get(i))) {
      values.set(i, value);
      writers.get(i).accept(value);
    }
  }

  /** How many messages the request holds (0 for bodies without {@code messages}). */
  public int messages() {
    return messages;
  }

  /** Characters over all texts. */
  public long chars() {
    long total = 0;
    for (String value : values) {
      total += value.length();
    }
    return total;
  }
}
