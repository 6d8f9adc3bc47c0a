package dev.switchboard.model;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The media operations (images, speech, transcription): OpenAI-format and Azure deployments only,
 * answered with the provider's bytes as they are, and billed per unit ({@link Usage#units()} at
 * {@link Price#perUnit()}): per image generated, per character of speech input, per second of
 * transcribed audio, as LiteLLM prices them.
 *
 * <p>A transcription's multipart form travels as a JSON object: text fields as strings (a repeated
 * field as a list), each file part as an object with {@link #FILE_NAME}, {@link #FILE_TYPE} and its
 * bytes under {@link #FILE_DATA} (a {@link Buffer}, a slice of the request's body, never copied).
 */
public final class MediaCalls {

  public static final String FILE_NAME = "filename";
  public static final String FILE_TYPE = "content_type";
  public static final String FILE_DATA = "data";

  private static final Set<Operation> MEDIA = Set.of(Operation.IMAGE_GENERATION, Operation.IMAGE_EDIT, Operation.SPEECH,
      Operation.TRANSCRIPTION, Operation.TRANSLATION);
  /** The calls whose body is a multipart form, not JSON. */
  private static final Set<Operation> MULTIPART = Set.of(Operation.IMAGE_EDIT, Operation.TRANSCRIPTION, Operation.TRANSLATION);

  /** An image size as OpenAI takes it: "1024x1792". */
  private static final Pattern SIZE = Pattern.compile("(?i)\\d{1,5}x\\d{1,5}");

  private MediaCalls() {
  }

  public static boolean is(Operation operation) {
    return MEDIA.contains(operation);
  }

  public static boolean isMultipart(Operation operation) {
    return MULTIPART.contains(operation);
  }

  /** Whether the answer is billed by what it says (seconds of audio, tokens), so it is read before it is passed on. */
  public static boolean billedByAnswer(Operation operation) {
    return operation == Operation.TRANSCRIPTION || operation == Operation.TRANSLATION;
  }

  /** Whether a form value is a file part. */
  public static boolean isFile(Object value) {
    return fileData(value) != null;
  }

  /** A file part's bytes, or null for any other value (read from the map: JsonObject's getters would base64 them). */
  public static Buffer fileData(Object value) {
    return value instanceof JsonObject part && part.getMap().get(FILE_DATA) instanceof Buffer data ? data : null;
  }

  /**
   * What the request is billed for before the answer is read: images asked for ({@code n}, 1 by
   * default), characters of speech input, or an audio upload's seconds where its header says them
   * ({@link AudioLength}; a JSON answer's own seconds win over these).
   */
  public static long unitsAsked(Operation operation, JsonObject body) {
    if (operation == Operation.IMAGE_GENERATION || operation == Operation.IMAGE_EDIT) {
      return Math.max(1, wholeNumber(body.getValue("n"), 1));
    }
    if (billedByAnswer(operation)) {
      return Math.max(0, AudioLength.seconds(fileData(body.getValue("file")))); // a text answer names no seconds
    }
    if (operation == Operation.SPEECH && body.getValue("input") instanceof String input) {
      return input.codePointCount(0, input.length());
    }
    return 0;
  }

  /**
   * What an image's price depends on beyond its model, as LiteLLM's price map names it: its quality and
   * size ("hd/1024-x-1792"), or its size alone ("1024-x-1024", OpenAI's default when none is asked).
   * Null for other calls.
   */
  public static String variant(Operation operation, JsonObject body) {
    if (operation != Operation.IMAGE_GENERATION && operation != Operation.IMAGE_EDIT) {
      return null;
    }
    String size = body.getValue("size") instanceof String asked && SIZE.matcher(asked.trim()).matches()
        ? asked.trim().toLowerCase(Locale.ROOT).replace("x", "-x-") : "1024-x-1024";
    return body.getValue("quality") instanceof String quality && quality.matches("[A-Za-z]{1,16}")
        ? quality.toLowerCase(Locale.ROOT) + "/" + size : size;
  }

  /** A JSON number, or a form field's text ("2"), as a whole number; {@code otherwise} for anything else. */
  public static long wholeNumber(Object value, long otherwise) {
    if (value instanceof Number n) {
      return n.longValue();
    }
    if (value instanceof String text) {
      try {
        return Long.parseLong(text.trim());
      } catch (NumberFormatException notANumber) {
        return otherwise;
      }
    }
    return otherwise;
  }
}
