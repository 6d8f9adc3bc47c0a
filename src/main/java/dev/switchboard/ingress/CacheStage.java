package dev.switchboard.ingress;

import dev.switchboard.cache.CacheControls;
import dev.switchboard.cache.CacheEntry;
import dev.switchboard.cache.CacheKeys;
import dev.switchboard.cache.ResponseCache;
import dev.switchboard.model.Operation;
import dev.switchboard.model.RelayResult;
import dev.switchboard.model.Usage;
import dev.switchboard.model.VirtualKey;
import dev.switchboard.pipeline.Stage;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/**
 * LiteLLM's response cache, the last stage before routing: a request has passed auth, access,
 * limits and budget, so a hit is refused, counted and logged as a real call would be, yet never
 * reaches a provider (its cost is 0: no deployment served it). The body's {@code cache} controls
 * are taken out here whatever happens, so no provider ever sees them.
 *
 * <p>What is cached (each when {@code supported_call_types} lists it): chat completions, text
 * completions and {@code /v1/messages}, streamed or not (a hit asked as a stream is replayed as
 * one; a streamed answer is stored once its provider ended it, as the relay assembled it, within
 * {@code max_entry_bytes}); embeddings item by item ({@link EmbeddingItems}); Responses
 * API calls only when they are not streamed, set {@code store: false} and continue no stored
 * conversation (a stored answer has an id of its own). Only whole 200 answers are stored.
 */
final class CacheStage implements Stage<ModelCall> {

  /** LiteLLM's response header naming the cache entry of the answer. */
  static final String KEY_HEADER = "x-litellm-cache-key";

  private final ResponseCache cache;
  /** The semantic types' lookup, or null (then a semantic cache is not consulted). */
  private final SemanticLookup semantic;

  CacheStage(ResponseCache cache) {
    this(cache, null);
  }

  CacheStage(ResponseCache cache, SemanticLookup semantic) {
    this.cache = cache;
    this.semantic = semantic;
  }

  @Override
  public String name() {
    return "cache";
  }

  /** What the cache did for one request, for its after and its spend row. */
  static final class Outcome {
    final String key;
    final CacheControls controls;
    boolean hit;
    /** A stream whose answer is to be stored: the most the relay may hold to assemble it; 0 otherwise. */
    int collectBytes;
    EmbeddingItems items;
    /** A semantic lookup's partition, prompt and embedding, for storing the fresh answer. */
    SemanticKey semantic;

    Outcome(String key, CacheControls controls) {
      this.key = key;
      this.controls = controls;
    }
  }

  /** What a semantic cache stores a fresh answer under. */
  record SemanticKey(String partition, String prompt, float[] vector) {
  }

  @Override
  public Future<Void> before(ModelCall request) {
    JsonObject body = request.call.body().json();
    Object asked = body.remove(CacheControls.FIELD);
    if (!cache.enabled() || !cache.settings().caches(request.operation.callType()) || !cacheable(request, body)) {
      return Future.succeededFuture();
    }
    VirtualKey key = request.principal == null ? null : request.principal.key();
    CacheControls controls = CacheControls.of(asked, key == null ? null : key.metadata(),
        key == null ? null : key.teamMetadata());
    boolean used = controls.useCache() != null ? controls.useCache() : !cache.settings().defaultOff();
    if (!used) {
      return Future.succeededFuture();
    }
    String namespace = controls.namespace() != null ? controls.namespace() : cache.settings().namespace();
    String scope = CacheKeys.scope(request.principal, cache.settings().sharedAcrossTeams());
    if (request.operation == Operation.EMBEDDING && EmbeddingItems.applies(body)) {
      Outcome outcome = new Outcome(null, controls);
      request.cacheOutcome = outcome;
      outcome.items = new EmbeddingItems(cache, namespace, scope, request.model(), body);
      return controls.noCache() ? Future.succeededFuture() : outcome.items.lookup(controls.maxAgeSeconds())
          .map(all -> {
            cache.counted(all != null, 0);
            if (all != null) {
              outcome.hit = true;
              request.result = new RelayResult(all, Usage.NONE, 0, null, false);
              request.answer();
            }
            return null;
          });
    }
    if (cache.semantic() != null && semantic != null) {
      return semantic.before(request, cache, controls, namespace, scope, body);
    }
    String cacheKey = CacheKeys.of(namespace, scope, request.operation, request.model(), body);
    Outcome outcome = new Outcome(cacheKey, controls);
    request.cacheOutcome = outcome;
    request.response.putHeader(KEY_HEADER, cacheKey);
    if (request.call.stream() && !controls.noStore()) {
      outcome.collectBytes = cache.settings().maxEntryBytes();
    }
    if (controls.noCache()) {
      return Future.succeededFuture();
    }
    return cache.lookup(cacheKey, controls.maxAgeSeconds()).map(entry -> {
      Usage usage = entry == null ? null : CachedAnswers.usage(request.operation, entry.body());
      cache.counted(entry != null, usage == null ? 0 : usage.totalTokens());
      if (entry != null) {
        outcome.hit = true;
        answer(request, entry, usage);
      }
      return null;
    });
  }

  /** How much of this request's stream the relay may hold to assemble its answer for the cache (0: none). */
  static int collectBytes(ModelCall request) {
    Outcome outcome = request.cacheOutcome;
    return outcome == null || outcome.hit ? 0 : outcome.collectBytes;
  }

  /**
   * Stores a fresh, whole answer (not a hit, not refused): a JSON body, or a stream that ended with its
   * provider's last event, as the relay assembled it (the same entry a non-streamed answer makes).
   */
  @Override
  public Future<Void> after(ModelCall request) {
    Outcome outcome = request.cacheOutcome;
    RelayResult result = request.result;
    if (outcome == null || outcome.hit || request.failed() || result == null || request.status() != 200) {
      return Future.succeededFuture();
    }
    if (result.body() == null) {
      if (outcome.collectBytes > 0 && result.streamedAnswer() != null && result.streamError() == null
          && !result.clientGone() && !outcome.controls.noStore()) {
        cache.store(outcome.key, result.streamedAnswer().toBuffer(), outcome.controls.ttlSeconds());
      }
      return Future.succeededFuture();
    }
    if (outcome.semantic != null) {
      SemanticLookup.after(cache, outcome, result);
    } else if (outcome.items != null) {
      request.result = outcome.items.completed(result, !outcome.controls.noStore(), outcome.controls.ttlSeconds());
    } else if (!outcome.controls.noStore()) {
      cache.store(outcome.key, result.body(), outcome.controls.ttlSeconds());
    }
    return Future.succeededFuture();
  }

  static void answer(ModelCall request, CacheEntry entry, Usage usage) {
    if (request.call.stream()) {
      Runnable ending = new CachedAnswers(request.operation, new JsonObject(entry.body()), usage)
          .stream(request.response, request.call.includeUsage());
      request.result = new RelayResult(null, usage, System.nanoTime() - request.startNanos(), null, false, ending);
    } else {
      request.result = new RelayResult(entry.body(), usage, 0, null, false);
    }
    request.answer();
  }

  /** The requests whose answer depends on nothing but their body (see the class comment). */
  private static boolean cacheable(ModelCall request, JsonObject body) {
    return switch (request.operation) {
      case CHAT, COMPLETION, MESSAGES, EMBEDDING -> true;
      case RESPONSES -> !request.call.stream() && Boolean.FALSE.equals(body.getValue("store"))
          && body.getValue("previous_response_id") == null && body.getValue("conversation") == null;
      default -> false;
    };
  }
}
