package dev.switchboard.relay;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;

/**
 * {@code encoding_format: "base64"} for every provider: OpenAI answers it with each vector as the
 * base64 of its little-endian float32s (what its SDKs decode; the Python SDK asks for it by
 * default), while translated providers only give float arrays. Vectors already encoded pass as
 * they are.
 */
final class EmbeddingEncoding {

  private EmbeddingEncoding() {
  }

  static boolean wantsBase64(JsonObject request) {
    return "base64".equals(request.getValue("encoding_format"));
  }

  /** The answer with each float-array vector encoded; the same bytes when none is an array. */
  static Buffer asBase64(Buffer answer) {
    JsonObject json = new JsonObject(answer);
    boolean changed = false;
    if (json.getValue("data") instanceof JsonArray data) {
      for (Object item : data) {
        if (item instanceof JsonObject embedding && embedding.getValue("embedding") instanceof JsonArray vector) {
          embedding.put("embedding", encode(vector));
          changed = true;
        }
      }
    }
    return changed ? json.toBuffer() : answer;
  }

  static String encode(JsonArray vector) {
    ByteBuffer bytes = ByteBuffer.allocate(vector.size() * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    for (Object value : vector) {
      bytes.putFloat(value instanceof Number number ? number.floatValue() : 0f);
    }
    return Base64.getEncoder().encodeToString(bytes.array());
  }
}
