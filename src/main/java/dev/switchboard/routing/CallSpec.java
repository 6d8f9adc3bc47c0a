package dev.switchboard.routing;

import dev.switchboard.model.Principal;
import dev.switchboard.model.CallBody;
import dev.switchboard.model.CallGuard;
import dev.switchboard.model.Deployment;
import dev.switchboard.model.Operation;
import dev.switchboard.model.Usage;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpServerResponse;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * One admitted model call, as the route stage hands it to routing: what to send, to whom it
 * answers, and how it gives back a failed attempt's deployment slot.
 *
 * @param models      the runtime snapshot the request started with: its models, settings and prices throughout
 * @param releaseSlot gives back the deployment slot a failed attempt held (the request's permit stays)
 * @param guard       the request's guardrails that watch each attempt ({@link CallGuard}), or null
 * @param collectAnswerBytes see {@link dev.switchboard.model.RelayCall#collectAnswerBytes}; 0: a stream is not assembled
 */
public record CallSpec(
    String requestId,
    Operation operation,
    CallBody body,
    String model,
    boolean stream,
    boolean includeUsage,
    HttpServerResponse response,
    MultiMap clientHeaders,
    long startNanos,
    Principal principal,
    long estimatedTokens,
    List<String> tags,
    LiveModels.Snapshot models,
    BiConsumer<Deployment, Usage> releaseSlot,
    CallGuard guard,
    int collectAnswerBytes) {

  /** A call whose stream is not assembled for the cache. */
  public CallSpec(String requestId, Operation operation, CallBody body, String model, boolean stream,
      boolean includeUsage, HttpServerResponse response, MultiMap clientHeaders, long startNanos, Principal principal,
      long estimatedTokens, List<String> tags, LiveModels.Snapshot models, BiConsumer<Deployment, Usage> releaseSlot,
      CallGuard guard) {
    this(requestId, operation, body, model, stream, includeUsage, response, clientHeaders, startNanos, principal,
        estimatedTokens, tags, models, releaseSlot, guard, 0);
  }

  /** A call no guardrail watches. */
  public CallSpec(String requestId, Operation operation, CallBody body, String model, boolean stream,
      boolean includeUsage, HttpServerResponse response, MultiMap clientHeaders, long startNanos, Principal principal,
      long estimatedTokens, List<String> tags, LiveModels.Snapshot models, BiConsumer<Deployment, Usage> releaseSlot) {
    this(requestId, operation, body, model, stream, includeUsage, response, clientHeaders, startNanos, principal,
        estimatedTokens, tags, models, releaseSlot, null, 0);
  }
}
