package dev.switchboard.provider;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;

/**
 * Reads the top-level {@code usage} object of an answer passed through unchanged, skipping the
 * rest token by token: the answer is still checked to be one well-formed JSON object, but its
 * choices are never built into maps and strings (a tenth of the relay's work on a chat answer).
 */
final class UsageReader {

  private static final JsonFactory JSON = new JsonFactory();

  /** What was found: whether the body is a JSON object at all, and its usage (null when it has none). */
  record Found(boolean isObject, JsonObject usage) {
    static final Found NOT_AN_OBJECT = new Found(false, null);
  }

  private UsageReader() {
  }

  static Found read(Buffer body) {
    try (JsonParser parser = JSON.createParser(body.getBytes())) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        return Found.NOT_AN_OBJECT;
      }
      JsonObject usage = null;
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String field = parser.currentName();
        JsonToken value = parser.nextToken();
        if ("usage".equals(field) && value == JsonToken.START_OBJECT) {
          usage = object(parser);
        } else {
          parser.skipChildren();
        }
      }
      return parser.nextToken() == null ? new Found(true, usage) : Found.NOT_AN_OBJECT;
    } catch (IOException | RuntimeException malformed) {
      return Found.NOT_AN_OBJECT;
    }
  }

  /** The object the parser stands at the start of, read whole (usage is a few numbers). */
  private static JsonObject object(JsonParser parser) throws IOException {
    JsonObject object = new JsonObject();
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String field = parser.currentName();
      object.put(field, value(parser, parser.nextToken()));
    }
    return object;
  }

  private static Object value(JsonParser parser, JsonToken token) throws IOException {
    return switch (token) {
      case START_OBJECT -> object(parser);
      case START_ARRAY -> {
        JsonArray array = new JsonArray();
        for (JsonToken item = parser.nextToken(); item != JsonToken.END_ARRAY; item = parser.nextToken()) {
          array.add(value(parser, item));
        }
        yield array;
      }
      case VALUE_STRING -> parser.getText();
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> parser.getNumberValue();
      case VALUE_TRUE -> true;
      case VALUE_FALSE -> false;
      default -> null;
    };
  }
}
