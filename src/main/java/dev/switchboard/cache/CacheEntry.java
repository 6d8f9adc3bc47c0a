package dev.switchboard.cache;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

/**
 * One cached answer: the provider's JSON body as the client got it, and when it was stored (for
 * {@code s-maxage}). Stored in Redis as {@code {"t": storedAtMillis, "b": body}}.
 */
public record CacheEntry(Buffer body, long storedAtMillis) {

  public Buffer encode() {
    return new JsonObject().put("t", storedAtMillis).put("b", body.toString()).toBuffer();
  }

  /** The entry, or null for bytes that are not one (a foreign or damaged value counts as a miss). */
  public static CacheEntry decode(Buffer bytes) {
    try {
      JsonObject json = new JsonObject(bytes);
      return new CacheEntry(Buffer.buffer(json.getString("b")), json.getLong("t"));
    } catch (RuntimeException e) {
      return null;
    }
  }

  public int size() {
    return body.length();
  }
}
