package dev.switchboard.spend;

import dev.switchboard.model.Price;
import dev.switchboard.model.Usage;
import dev.switchboard.model.Principal;
import dev.switchboard.model.Deployment;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * {@code spend.record}: what one request used and how it ended. {@code principal} is null when
 * the caller was not authenticated, {@code deployment} when none was chosen, {@code reservation}
 * when no budget was reserved; {@code errorType} is null on success.
 *
 * @param providerNanos how long the relay stage took (the provider call, with its translation), 0 when it was not reached
 * @param tags    {@code metadata.tags} of the request
 * @param endUser the customer it is for: its {@code user}, or LiteLLM's end-user header (see ingress EndUsers)
 * @param callType LiteLLM's call type ({@code acompletion}, {@code aresponses}...), or null
 * @param clientIp the caller's address, or null
 * @param clientMetadata the request's {@code metadata} object as the client sent it, or null
 * @param cacheKey the response cache's key for the call, or null when the cache was not asked
 * @param cacheHit the answer came from the response cache
 * @param content the request and its answer, for the logging callbacks ({@link CallContent#NONE} when unknown)
 */
public record SpendEvent(
    String requestId,
    String model,
    Deployment deployment,
    Price price,
    Principal principal,
    Reservation reservation,
    Usage usage,
    boolean stream,
    int status,
    String errorType,
    long startEpochMillis,
    long durationNanos,
    long timeToFirstByteNanos,
    long providerNanos,
    List<String> tags,
    String endUser,
    String callType,
    String clientIp,
    JsonObject clientMetadata,
    String cacheKey,
    boolean cacheHit,
    CallContent content) {

  /** An event that did not go through the response cache, without its content (batches' spend, tests). */
  public SpendEvent(String requestId, String model, Deployment deployment, Price price, Principal principal,
      Reservation reservation, Usage usage, boolean stream, int status, String errorType, long startEpochMillis,
      long durationNanos, long timeToFirstByteNanos, long providerNanos, List<String> tags, String endUser,
      String callType, String clientIp, JsonObject clientMetadata) {
    this(requestId, model, deployment, price, principal, reservation, usage, stream, status, errorType,
        startEpochMillis, durationNanos, timeToFirstByteNanos, providerNanos, tags, endUser, callType, clientIp,
        clientMetadata, null, false, CallContent.NONE);
  }
}
