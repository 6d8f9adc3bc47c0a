package dev.switchboard.cache;

import dev.switchboard.model.Operation;
import dev.switchboard.model.Principal;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The cache key of a request: SHA-256 over the tenant's scope, the operation, the model group and
 * every body field that can change the answer, written canonically (object keys sorted, so field
 * order never splits one answer in two). Left out: the fields that only say who asks or how the
 * answer travels ({@link #NOT_IN_KEY}); the API key never enters a key.
 */
public final class CacheKeys {

  /** Fields that do not change the answer: transport, identity, bookkeeping, and the cache controls themselves. */
  static final Set<String> NOT_IN_KEY = Set.of("model", "stream", "stream_options", "user", "metadata",
      "litellm_metadata", "cache", "tags", "request_id", "litellm_call_id", "litellm_session_id", "litellm_trace_id",
      "store", "mock_response", "num_retries", "fallbacks", "timeout", "request_timeout");

  private CacheKeys() {
  }

  /**
   * Whose answers a request may read: its team's (or, for a key without a team, its own key's),
   * everyone's when the cache is shared across teams.
   */
  public static String scope(Principal principal, boolean shared) {
    if (shared) {
      return "*";
    }
    if (principal == null) {
      return "anonymous";
    }
    if (principal.key() != null) {
      return principal.key().teamId() != null ? "team:" + principal.key().teamId() : "key:" + principal.key().tokenHash();
    }
    return principal.master() ? "master" : "open";
  }

  /** {@code namespace:hash}, or the bare hash without a namespace (LiteLLM's shape). */
  public static String of(String namespace, String scope, Operation operation, String modelGroup, JsonObject body) {
    StringBuilder text = new StringBuilder(256).append(scope).append('\n').append(operation.name()).append('\n')
        .append(modelGroup).append('\n');
    TreeMap<String, Object> kept = new TreeMap<>();
    for (Map.Entry<String, Object> field : body) {
      if (!NOT_IN_KEY.contains(field.getKey()) && field.getValue() != null) {
        kept.put(field.getKey(), field.getValue());
      }
    }
    canonical(kept, text);
    String hash = sha256(text.toString());
    return namespace == null ? hash : namespace + ":" + hash;
  }

  private static void canonical(Object value, StringBuilder out) {
    if (value instanceof JsonObject object) {
      TreeMap<String, Object> sorted = new TreeMap<>();
      object.forEach(e -> sorted.put(e.getKey(), e.getValue()));
      canonical(sorted, out);
    } else if (value instanceof Map<?, ?> map) {
      out.append('{');
      boolean first = true;
      for (Map.Entry<?, ?> e : new TreeMap<>(map).entrySet()) {
        if (!first) {
          out.append(',');
        }
        first = false;
        out.append(quote(String.valueOf(e.getKey()))).append(':');
        canonical(e.getValue(), out);
      }
      out.append('}');
    } else if (value instanceof JsonArray array) {
      out.append('[');
      for (int i = 0; i < array.size(); i++) {
        if (i > 0) {
          out.append(',');
        }
        canonical(array.getValue(i), out);
      }
      out.append(']');
    } else if (value instanceof java.util.List<?> list) {
      canonical(new JsonArray(list), out);
    } else if (value instanceof String text) {
      out.append(quote(text));
    } else if (value instanceof Number number) {
      // 1 and 1.0 ask the same thing.
      double d = number.doubleValue();
      out.append(d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d));
    } else {
      out.append(value);
    }
  }

  /** A JSON string literal: quotes, backslashes and control characters escaped (enough to keep strings apart). */
  private static String quote(String text) {
    StringBuilder out = new StringBuilder(text.length() + 2).append('"');
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '"' || c == '\\') {
        out.append('\\').append(c);
      } else if (c < 0x20) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    return out.append('"').toString();
  }

  private static String sha256(String text) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
