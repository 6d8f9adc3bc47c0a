package dev.switchboard.ingress;

import dev.switchboard.model.Principal;
import dev.switchboard.errors.GatewayError;
import dev.switchboard.guardrail.Selection;
import dev.switchboard.guardrail.Watch;
import dev.switchboard.pipeline.RequestContext;
import dev.switchboard.model.Operation;
import dev.switchboard.ratelimit.Permit;
import dev.switchboard.model.RelayResult;
import dev.switchboard.routing.CallTrace;
import dev.switchboard.routing.LiveModels;
import dev.switchboard.spend.Reservation;
import dev.switchboard.model.Usage;
import dev.switchboard.tracing.RequestSpans;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.http.HttpServerResponse;
import java.util.List;

/** One model call (chat, completion, embeddings, messages) on its way through {@link ModelCallChain}. */
final class ModelCall extends RequestContext {

  final Operation operation;
  final HttpServerResponse response;
  final MultiMap headers;
  final RequestSpans spans;
  final CallTrace trace;
  /** The runtime snapshot in force when the request arrived: its models, settings and prices to its end. */
  final LiveModels.Snapshot models;
  /** The model named in the path (Azure-compatible paths), which wins over the body's; null for most. */
  String pathModel;
  /** The request's bytes until the parse stage has read them. */
  Buffer raw;
  ModelRequest call;
  /** {@code metadata.tags}, read once: routing filters by them and the spend row keeps them. */
  List<String> tags = List.of();
  /** The request's {@code metadata} object as sent, for the spend row; null without one. */
  JsonObject clientMetadata;
  /** The caller's address, for the spend row's {@code requester_ip_address}. */
  String clientIp;
  /** Whom the request is for, read once at parse time (a stream's body is let go when its answer begins). */
  String endUser;
  Principal principal;
  Permit permit;
  Reservation reservation;
  RelayResult result;
  /** The guardrails this request runs, or null for none. */
  Selection guardrails;
  /** What watches the provider call for them (during_call, a stream's post_call), or null. */
  Watch watch;
  /** LiteLLM's call type for the spend row when the operation's is not it (files and batches), or null. */
  String callType;
  /** A Responses API call whose answer is to be stored, or null. */
  ResponsesTurn responsesTurn;
  /** What the response cache did for this request, or null when it was not asked. */
  CacheStage.Outcome cacheOutcome;

  ModelCall(String requestId, Operation operation, LiveModels.Snapshot models, Buffer raw, MultiMap headers,
      HttpServerResponse response, RequestSpans spans) {
    super(requestId);
    this.models = models;
    this.operation = operation;
    this.raw = raw;
    this.headers = headers;
    this.response = response;
    this.spans = spans;
    this.trace = new CallTrace(spans);
  }

  String model() {
    return call == null ? null : call.model();
  }

  /** The customer the request is for (LiteLLM's end user), or null; see {@link EndUsers}. */
  String endUser() {
    return endUser;
  }

  /** The error the client hears: the refusal or failure, or the one a stream ended with; null when it went well. */
  GatewayError error() {
    return failed() ? GatewayError.of(failure()) : result == null ? null : result.streamError();
  }

  /** The status of the answer: 499 for a client that left before it. */
  int status() {
    GatewayError error = error();
    return error != null ? error.status() : result != null && result.clientGone() ? 499 : 200;
  }

  Usage usage() {
    return result == null ? Usage.NONE : result.usage();
  }
}
