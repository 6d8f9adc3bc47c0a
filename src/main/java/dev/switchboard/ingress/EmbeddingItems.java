package dev.switchboard.ingress;

import dev.switchboard.cache.CacheEntry;
import dev.switchboard.cache.CacheKeys;
import dev.switchboard.cache.ResponseCache;
import dev.switchboard.model.Operation;
import dev.switchboard.model.RelayResult;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * Embeddings cached one input string at a time: each string's key is the request's with that string
 * alone as its input, so a batch with one new string sends the provider that string only, and the
 * answer is put back together in the client's order. An item's entry is its {@code data} element
 * and the answer's {@code model}. A wholly cached answer reports zero usage (no tokens were spent).
 */
final class EmbeddingItems {

  private final ResponseCache cache;
  private final JsonObject body;
  private final List<String> keys = new ArrayList<>();
  private final JsonArray inputs;
  private final JsonObject[] found;
  /** Positions in the client's input of the strings the provider is asked for. */
  private final List<Integer> asked = new ArrayList<>();

  EmbeddingItems(ResponseCache cache, String namespace, String scope, String model, JsonObject body) {
    this.cache = cache;
    this.body = body;
    this.inputs = body.getJsonArray("input");
    this.found = new JsonObject[inputs.size()];
    for (int i = 0; i < inputs.size(); i++) {
      JsonObject alone = body.copy().put("input", inputs.getString(i));
      keys.add(CacheKeys.of(namespace, scope, Operation.EMBEDDING, model, alone));
      asked.add(i);
    }
  }

  /** A list of strings: a single string or token ids are cached as one request. */
  static boolean applies(JsonObject body) {
    if (!(body.getValue("input") instanceof JsonArray list) || list.isEmpty()) {
      return false;
    }
    for (Object item : list) {
      if (!(item instanceof String)) {
        return false;
      }
    }
    return true;
  }

  /**
   * Looks every string up. All found: the whole answer (a null result otherwise); some found: the
   * request's input becomes the strings still to embed.
   */
  Future<Buffer> lookup(Long maxAgeSeconds) {
    List<Future<CacheEntry>> lookups = new ArrayList<>();
    for (String key : keys) {
      lookups.add(cache.lookup(key, maxAgeSeconds));
    }
    return Future.all(lookups).map(all -> {
      asked.clear();
      String model = null;
      for (int i = 0; i < found.length; i++) {
        CacheEntry entry = lookups.get(i).result();
        if (entry == null) {
          asked.add(i);
        } else {
          JsonObject item = new JsonObject(entry.body());
          found[i] = item.getJsonObject("data");
          model = item.getString("model");
        }
      }
      if (asked.isEmpty()) {
        return answer(model, new JsonObject().put("prompt_tokens", 0).put("total_tokens", 0)).toBuffer();
      }
      if (asked.size() < found.length) {
        JsonArray rest = new JsonArray();
        asked.forEach(i -> rest.add(inputs.getString(i)));
        body.put("input", rest);
      }
      return null;
    });
  }

  /** Stores the provider's items, and gives the client's whole answer when part of it came from the cache. */
  RelayResult completed(RelayResult result, boolean store, Long ttlSeconds) {
    JsonObject answer;
    try {
      answer = new JsonObject(result.body());
    } catch (RuntimeException e) {
      return result;
    }
    JsonArray data = answer.getJsonArray("data");
    if (data == null || data.size() != asked.size()) {
      return result; // not the answer we asked for: pass it on as it is, store nothing
    }
    for (int n = 0; n < data.size(); n++) {
      JsonObject item = data.getJsonObject(n);
      int at = asked.get(item.getInteger("index", n) < asked.size() ? item.getInteger("index", n) : n);
      found[at] = item;
      if (store) {
        cache.store(keys.get(at), new JsonObject().put("data", item).put("model", answer.getString("model")).toBuffer(),
            ttlSeconds);
      }
    }
    if (asked.size() == found.length) {
      return result;
    }
    JsonObject whole = answer(answer.getString("model"), answer.getJsonObject("usage"));
    answer.forEach(field -> whole.getMap().putIfAbsent(field.getKey(), field.getValue()));
    return new RelayResult(whole.toBuffer(), result.usage(), result.firstByteNanos(), null, false);
  }

  private JsonObject answer(String model, JsonObject usage) {
    JsonArray data = new JsonArray();
    for (int i = 0; i < found.length; i++) {
      data.add(found[i].copy().put("index", i));
    }
    return new JsonObject().put("object", "list").put("data", data).put("model", model).put("usage", usage);
  }
}
