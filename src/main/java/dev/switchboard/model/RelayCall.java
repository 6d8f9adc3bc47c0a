package dev.switchboard.model;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.http.HttpServerResponse;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.function.ToDoubleFunction;

/**
 * {@code relay.call}: one attempt, this request to this deployment. For streams the relay writes
 * straight into {@code response} (the client's), so token bytes never cross the event bus. The
 * attempt's own facts (its time limits) are here; the deployment is the config's, never a copy.
 *
 * @param timeoutMs    how long the provider may take to answer this attempt (the deployment's or the request's
 *                     {@code timeout}, and never past the request's total deadline)
 * @param streamTimeoutMs the longest silence this attempt's stream may keep
 * @param includeUsage the client asked for the usage chunk ({@code stream_options.include_usage})
 * @param response     the client's response; null for a call made on behalf of several clients
 * @param home         the context that owns {@code response} (null without one): the provider is called
 *                     from it, so every callback that writes to the response runs on the response's own
 *                     loop, as the server's strict thread mode requires
 * @param clientHeaders the client's request headers (a provider adapter may honour a few)
 * @param costOf       what a usage costs, for the {@code x-litellm-response-cost} trailer of a stream; may be null
 * @param responded    completed with the provider's status when its response headers arrive (the moment a
 *                     circuit breaker stops guarding a stream), or null when nobody asks
 * @param holdEnding   a stream that ends well leaves its last event and its end to the caller
 *                     ({@link RelayResult#ending}), who first makes its spend row durable
 * @param guard        the request's guardrails that watch the call itself (streamed text, checks beside
 *                     the call), or null when it has none
 * @param collectAnswerBytes a stream of chat, completions or messages is also assembled into its whole JSON
 *                     answer ({@link RelayResult#streamedAnswer}) for the response cache, holding at most this
 *                     many characters (past them the copy is dropped; the stream goes on); 0: not assembled
 */
public record RelayCall(
    String requestId,
    Operation operation,
    Deployment deployment,
    long timeoutMs,
    long streamTimeoutMs,
    CallBody body,
    boolean stream,
    boolean includeUsage,
    HttpServerResponse response,
    Context home,
    MultiMap clientHeaders,
    long startNanos,
    ToDoubleFunction<Usage> costOf,
    Promise<Integer> responded,
    boolean holdEnding,
    CallGuard guard,
    int collectAnswerBytes) {

  /** LiteLLM's cost header; a stream's cost is known at its end, so it comes as a trailer there. */
  public static final String COST_HEADER = "x-litellm-response-cost";
  /** Enough for any price (a token costs 1e-8 USD or more), and short of a double's noise. */
  private static final MathContext COST_DIGITS = new MathContext(12);

  /**
   * A cost as {@link #COST_HEADER} carries it: a plain decimal in USD, {@code 0.0000033} rather
   * than {@code 3.2999999999999997E-6} (LiteLLM writes Python's {@code 3.3e-06}; a plain decimal
   * parses the same everywhere, and no exponent surprises a shell or a spreadsheet).
   */
  public static String costText(double usd) {
    if (!Double.isFinite(usd) || usd == 0) {
      return "0";
    }
    return new BigDecimal(usd).round(COST_DIGITS).stripTrailingZeros().toPlainString();
  }

  /** A call whose stream is not assembled for the cache. */
  public RelayCall(String requestId, Operation operation, Deployment deployment, long timeoutMs, long streamTimeoutMs,
      CallBody body, boolean stream, boolean includeUsage, HttpServerResponse response, Context home,
      MultiMap clientHeaders, long startNanos, ToDoubleFunction<Usage> costOf, Promise<Integer> responded,
      boolean holdEnding, CallGuard guard) {
    this(requestId, operation, deployment, timeoutMs, streamTimeoutMs, body, stream, includeUsage, response, home,
        clientHeaders, startNanos, costOf, responded, holdEnding, guard, 0);
  }

  /** A call no guardrail watches. */
  public RelayCall(String requestId, Operation operation, Deployment deployment, long timeoutMs, long streamTimeoutMs,
      CallBody body, boolean stream, boolean includeUsage, HttpServerResponse response, Context home,
      MultiMap clientHeaders, long startNanos, ToDoubleFunction<Usage> costOf, Promise<Integer> responded,
      boolean holdEnding) {
    this(requestId, operation, deployment, timeoutMs, streamTimeoutMs, body, stream, includeUsage, response, home,
        clientHeaders, startNanos, costOf, responded, holdEnding, null);
  }

  public RelayCall(String requestId, Operation operation, Deployment deployment, CallBody body, boolean stream,
      boolean includeUsage, HttpServerResponse response, MultiMap clientHeaders, long startNanos) {
    this(requestId, operation, deployment, deployment.timeoutMs(), deployment.streamTimeoutMs(), body, stream,
        includeUsage, response, null, clientHeaders, startNanos, null, null, false, null);
  }
}
