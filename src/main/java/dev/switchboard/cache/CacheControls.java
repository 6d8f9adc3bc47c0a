package dev.switchboard.cache;

import dev.switchboard.errors.GatewayError;
import io.vertx.core.json.JsonObject;

/**
 * LiteLLM's per-request cache controls, the body's {@code cache} object: {@code no-cache} (do not
 * read the cache: a fresh answer, which is then stored), {@code no-store} (do not store this answer),
 * {@code ttl} (seconds to keep it), {@code s-maxage} (accept only a cached answer at most this many
 * seconds old), {@code namespace} (the key's prefix), {@code use-cache} (opt in under
 * {@code mode: default_off}; false opts out). A key's or team's {@code metadata.cache} holds the same
 * fields: its {@code no-cache}/{@code no-store}/{@code use-cache: false} cannot be undone by a request.
 */
public record CacheControls(boolean noCache, boolean noStore, Long ttlSeconds, Long maxAgeSeconds, String namespace,
    Boolean useCache) {

  public static final String FIELD = "cache";
  static final CacheControls NONE = new CacheControls(false, false, null, null, null, null);

  /**
   * @param request the body's {@code cache} value (any JSON value, checked here), or null
   * @param owners  the key's and team's {@code metadata.cache} objects (null or malformed ones are skipped)
   * @throws GatewayError 400 for a malformed request value
   */
  public static CacheControls of(Object request, JsonObject... owners) {
    CacheControls asked = request == null ? NONE : read(request, true);
    boolean noCache = asked.noCache;
    boolean noStore = asked.noStore;
    Boolean useCache = asked.useCache;
    for (JsonObject owner : owners) {
      if (owner == null || !(owner.getValue(FIELD) instanceof JsonObject)) {
        continue;
      }
      CacheControls set = read(owner.getValue(FIELD), false);
      noCache |= set.noCache;
      noStore |= set.noStore;
      if (Boolean.FALSE.equals(set.useCache)) {
        useCache = false;
      } else if (useCache == null) {
        useCache = set.useCache;
      }
    }
    return new CacheControls(noCache, noStore, asked.ttlSeconds, asked.maxAgeSeconds, asked.namespace, useCache);
  }

  private static CacheControls read(Object value, boolean strict) {
    if (!(value instanceof JsonObject cache)) {
      throw GatewayError.badRequest(FIELD, "'cache' must be an object such as {\"no-cache\": true} or {\"ttl\": 600}.");
    }
    return new CacheControls(flag(cache, "no-cache", strict), flag(cache, "no-store", strict),
        seconds(cache, "ttl", strict), seconds(cache, "s-maxage", strict), text(cache, "namespace", strict),
        cache.getValue("use-cache") instanceof Boolean use ? use : null);
  }

  private static boolean flag(JsonObject cache, String field, boolean strict) {
    Object value = cache.getValue(field);
    if (value == null || value instanceof Boolean) {
      return Boolean.TRUE.equals(value);
    }
    if (strict) {
      throw GatewayError.badRequest("cache." + field, "'cache." + field + "' must be true or false.");
    }
    return false;
  }

  private static Long seconds(JsonObject cache, String field, boolean strict) {
    Object value = cache.getValue(field);
    if (value == null) {
      return null;
    }
    if (value instanceof Number number && number.doubleValue() >= 0) {
      return (long) Math.ceil(number.doubleValue());
    }
    if (strict) {
      throw GatewayError.badRequest("cache." + field, "'cache." + field + "' must be a number of seconds, 0 or more.");
    }
    return null;
  }

  private static String text(JsonObject cache, String field, boolean strict) {
    Object value = cache.getValue(field);
    if (value == null || value instanceof String text && !text.isBlank()) {
      return (String) value;
    }
    if (strict) {
      throw GatewayError.badRequest("cache." + field, "'cache." + field + "' must be a non-empty string.");
    }
    return null;
  }
}
