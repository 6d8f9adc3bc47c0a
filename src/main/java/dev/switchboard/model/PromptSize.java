package dev.switchboard.model;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;

/**
 * A model call's prompt in tokens, read once when the request is parsed, in either request format:
 * OpenAI chat (every message, system and developer ones included, their text and image parts, tool
 * calls and tool results), Anthropic Messages (the top-level {@code system}, a string or blocks;
 * text, image, tool_use and tool_result blocks), tool and function definitions with their schemas,
 * a {@code response_format} schema, completion prompts and embedding input. Parts of other types
 * count as their JSON.
 *
 * @param tokens the estimate: 4 characters of text or JSON per token (OpenAI's rule of thumb),
 *               images at their documented cost ({@link ImageTokens}), token ids as themselves
 * @param bound  what strict budgets reserve: one token per UTF-8 byte (a token is at least one byte
 *               in the byte-level BPE tokenizers of OpenAI, Anthropic and Llama), plus each
 *               message's framing and the tool-use preamble; images and token ids as in the estimate
 */
public record PromptSize(long tokens, long bound) {

  public static final PromptSize NONE = new PromptSize(0, 0);

  private static final int CHARS_PER_TOKEN = 4;
  /** OpenAI documents 3 framing tokens per message and 3 to prime the reply; one spare. */
  private static final int MESSAGE_FRAMING = 4;
  private static final int REPLY_FRAMING = 3;
  /** Anthropic's tool-use system prompt is 264 to 530 tokens depending on the model and tool_choice. */
  private static final int TOOL_PREAMBLE = 600;

  public static PromptSize of(JsonObject body) {
    Tally tally = new Tally();
    tally.content(body.getValue("system"));
    tally.content(body.getValue("instructions"));
    if (body.getValue("messages") instanceof JsonArray messages) {
      for (Object item : messages) {
        if (item instanceof JsonObject message) {
          tally.message(message);
        }
      }
      tally.framing += REPLY_FRAMING;
    }
    boolean tools = false;
    for (String field : new String[] {"tools", "functions"}) {
      if (body.getValue(field) instanceof JsonArray list && !list.isEmpty()) {
        tally.json(list);
        tools = true;
      }
    }
    if (body.getValue("response_format") instanceof JsonObject format) {
      tally.json(format);
    }
    tally.inputs(body.getValue("prompt"));
    tally.inputs(body.getValue("input"));
    // A rerank: its query and documents (strings, or objects counted as their JSON).
    tally.inputs(body.getValue("query"));
    if (body.getValue("documents") instanceof JsonArray documents) {
      documents.forEach(document -> {
        if (document instanceof String text) {
          tally.inputs(text);
        } else {
          tally.json(document);
        }
      });
    }
    long exact = tally.images + tally.ids;
    return new PromptSize((tally.chars + CHARS_PER_TOKEN - 1) / CHARS_PER_TOKEN + exact,
        tally.bytes + exact + tally.framing + (tools ? TOOL_PREAMBLE : 0));
  }

  /** What one request's prompt adds up to, part by part. */
  private static final class Tally {
    long chars;
    long bytes;
    long images;
    long ids;
    long framing;

    void message(JsonObject message) {
      framing += MESSAGE_FRAMING;
      content(message.getValue("content"));
      if (message.getValue("tool_calls") instanceof JsonArray calls) {
        json(calls);
      }
      if (message.getValue("function_call") instanceof JsonObject call) {
        json(call);
      }
    }

    /** A string, or a list of parts (OpenAI) or blocks (Anthropic). */
    void content(Object content) {
      if (content instanceof String text) {
        text(text);
      } else if (content instanceof JsonArray parts) {
        for (Object part : parts) {
          if (part instanceof String text) {
            text(text);
          } else if (part instanceof JsonObject object) {
            part(object);
          }
        }
      }
    }

    private void part(JsonObject part) {
      switch (String.valueOf(part.getValue("type"))) {
        case "text", "input_text", "output_text" -> text(part.getValue("text"));
        case "image_url", "input_image" -> images += ImageTokens.openAi(part);
        case "image" -> images += ImageTokens.anthropic(part);
        case "tool_use" -> {
          text(part.getValue("name"));
          json(part.getValue("input"));
        }
        case "tool_result" -> content(part.getValue("content"));
        case "thinking" -> text(part.getValue("thinking"));
        default -> json(part);
      }
    }

    /** Completion prompts and embedding input: strings, or token ids (one token each). */
    void inputs(Object input) {
      if (input instanceof String text) {
        text(text);
      } else if (input instanceof Number) {
        ids++;
      } else if (input instanceof JsonArray list) {
        list.forEach(this::inputs);
      } else if (input instanceof JsonObject item) {
        // A Responses input item: a message, a function call or its output.
        message(item);
        text(item.getValue("arguments"));
        content(item.getValue("output"));
      }
    }

    /** A JSON value at the length of its encoding (to a character per container), without encoding it. */
    void json(Object value) {
      if (value instanceof JsonObject object) {
        punctuation(2);
        for (Map.Entry<String, Object> field : object) {
          text(field.getKey());
          punctuation(4);
          json(field.getValue());
        }
      } else if (value instanceof JsonArray array) {
        punctuation(2);
        for (Object item : array) {
          punctuation(1);
          json(item);
        }
      } else if (value instanceof String text) {
        text(text);
        punctuation(2);
      } else {
        text(String.valueOf(value));
      }
    }

    private void punctuation(int count) {
      chars += count;
      bytes += count;
    }

    void text(Object value) {
      if (value instanceof String text) {
        chars += text.length();
        bytes += utf8Length(text);
      }
    }
  }

  static long utf8Length(String text) {
    long bytes = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      bytes += c < 0x80 ? 1 : c < 0x800 ? 2 : Character.isSurrogate(c) ? 2 : 3;
    }
    return bytes;
  }
}
