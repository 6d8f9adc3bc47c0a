package dev.switchboard.provider;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

/** Lenient JSON reads for provider answers: null instead of an exception. */
final class Json {

  private Json() {
  }

  static JsonObject objectOrNull(String text) {
    try {
      return new JsonObject(text);
    } catch (RuntimeException notAnObject) {
      return null;
    }
  }

  static JsonObject objectOrNull(Buffer bytes) {
    try {
      return new JsonObject(bytes);
    } catch (RuntimeException notAnObject) {
      return null;
    }
  }
}
