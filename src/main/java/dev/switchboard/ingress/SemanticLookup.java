package dev.switchboard.ingress;

import dev.switchboard.bus.Addresses;
import dev.switchboard.bus.Bus;
import dev.switchboard.cache.CacheControls;
import dev.switchboard.cache.CacheEntry;
import dev.switchboard.cache.CacheKeys;
import dev.switchboard.cache.ResponseCache;
import dev.switchboard.cache.semantic.SemanticCache;
import dev.switchboard.cache.semantic.SemanticPrompt;
import dev.switchboard.model.CallBody;
import dev.switchboard.model.Deployment;
import dev.switchboard.model.Operation;
import dev.switchboard.model.RelayResult;
import dev.switchboard.model.Usage;
import dev.switchboard.ratelimit.Release;
import dev.switchboard.routing.CallRouter;
import dev.switchboard.routing.CallSpec;
import dev.switchboard.routing.CallTrace;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * The semantic half of {@link CacheStage} ({@code qdrant-semantic}, {@code redis-semantic}): embeds
 * the prompt with the configured embedding model group through the gateway's own routing (its
 * deployments, retries, cooldowns and deployment limits, as LiteLLM's proxy calls its router),
 * then looks for an answer within the request's partition: the exact cache key of the body without
 * its prompt, under the tenant's scope, so tenants and differing parameters never share answers.
 * The embedding call is the gateway's own: no spend row of its own, not billed to the key.
 */
final class SemanticLookup {

  private final Bus bus;
  private final CallRouter calls;

  SemanticLookup(Bus bus, CallRouter calls) {
    this.bus = bus;
    this.calls = calls;
  }

  /** Looks the request up (unless {@code no-cache}); keeps its embedding in the outcome for the after. */
  Future<Void> before(ModelCall request, ResponseCache cache, CacheControls controls, String namespace, String scope,
      JsonObject body) {
    SemanticCache semantic = cache.semantic();
    String prompt = SemanticPrompt.text(request.operation, body);
    if (prompt == null) {
      return Future.succeededFuture(); // nothing to embed: LiteLLM's semantic caches skip such a request
    }
    String partition = CacheKeys.of(namespace, scope, request.operation, request.model(),
        SemanticPrompt.withoutPrompt(request.operation, body));
    CacheStage.Outcome outcome = new CacheStage.Outcome(partition, controls);
    request.cacheOutcome = outcome;
    request.response.putHeader(CacheStage.KEY_HEADER, partition);
    // The store's and the embedding's clients answer on their own loops: the request goes on on its own.
    Context home = Vertx.currentContext();
    Promise<Void> done = Promise.promise();
    lookup(request, cache, semantic, controls, partition, prompt, outcome)
        .onComplete(result -> home.runOnContext(v -> done.handle(result)));
    return done.future();
  }

  private Future<Void> lookup(ModelCall request, ResponseCache cache, SemanticCache semantic, CacheControls controls,
      String partition, String prompt, CacheStage.Outcome outcome) {
    return embed(request, semantic.settings().embeddingModel(), prompt).compose(vector -> {
      outcome.semantic = new CacheStage.SemanticKey(partition, prompt, vector);
      if (controls.noCache()) {
        return Future.<Void>succeededFuture();
      }
      return semantic.lookup(partition, vector, controls.maxAgeSeconds()).map(match -> {
        CacheEntry entry = match == null ? null : new CacheEntry(match.entry().body(), match.entry().storedAtMillis());
        Usage usage = entry == null ? null : CachedAnswers.usage(request.operation, entry.body());
        cache.counted(entry != null, usage == null ? 0 : usage.totalTokens());
        if (entry != null) {
          outcome.hit = true;
          request.response.putHeader("x-litellm-semantic-similarity", Double.toString(match.similarity()));
          CacheStage.answer(request, entry, usage);
        }
        return null;
      });
    }, failure -> {
      semantic.embeddingFailed(failure); // a miss, never the request's failure
      cache.counted(false, 0);
      return Future.succeededFuture();
    });
  }

  /** Stores a fresh answer under the prompt's embedding. */
  static void after(ResponseCache cache, CacheStage.Outcome outcome, RelayResult result) {
    if (!outcome.controls.noStore()) {
      CacheStage.SemanticKey key = outcome.semantic;
      cache.semantic().store(key.partition(), key.vector(), key.prompt(), result.body(), outcome.controls.ttlSeconds());
    }
  }

  /**
   * The prompt's embedding from {@code model}, routed as any embeddings call of this request's
   * caller (its deployment slot taken at the pick and given back here).
   */
  private Future<float[]> embed(ModelCall request, String model, String text) {
    JsonObject body = new JsonObject().put("model", model).put("input", text);
    long estimate = request.permit == null ? 0 : request.permit.estimatedTokens();
    CallTrace trace = new CallTrace(request.spans);
    CallSpec spec = new CallSpec(request.requestId(), Operation.EMBEDDING, new CallBody(body), model, false, false,
        null, MultiMap.caseInsensitiveMultiMap(), System.nanoTime(), request.principal, estimate, List.of(),
        request.models, (deployment, usage) -> release(request, deployment, usage));
    return calls.call(spec, trace)
        .andThen(done -> {
          if (trace.heldSlot() != null) {
            release(request, trace.heldSlot(), done.succeeded() ? done.result().usage() : Usage.NONE);
          }
        })
        .compose(result -> {
          try {
            JsonArray vector = new JsonObject(result.body()).getJsonArray("data").getJsonObject(0)
                .getJsonArray("embedding");
            float[] out = new float[vector.size()];
            for (int i = 0; i < out.length; i++) {
              out[i] = vector.getNumber(i).floatValue();
            }
            return out.length == 0 ? Future.failedFuture("an empty embedding") : Future.succeededFuture(out);
          } catch (RuntimeException e) {
            return Future.failedFuture("an answer without data[0].embedding");
          }
        });
  }

  private void release(ModelCall request, Deployment deployment, Usage usage) {
    if (request.permit != null) {
      bus.send(Addresses.RATELIMIT_RELEASE, Release.slot(request.permit, deployment, usage));
    }
  }
}
