package dev.switchboard.ingress;

import com.knuddels.jtokkit.api.EncodingType;
import dev.switchboard.bus.Addresses;
import dev.switchboard.bus.Bus;
import dev.switchboard.errors.ErrorResponses;
import dev.switchboard.errors.GatewayError;
import dev.switchboard.model.AuthCheck;
import dev.switchboard.model.Credentials;
import dev.switchboard.model.Deployment;
import dev.switchboard.model.Principal;
import dev.switchboard.model.PromptSize;
import dev.switchboard.routing.CallRouter;
import dev.switchboard.routing.LiveModels;
import dev.switchboard.routing.ModelGroup;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * Token counting, for clients that size a prompt before sending it: Anthropic's
 * {@code POST /v1/messages/count_tokens} ({@code {"input_tokens": N}}, Anthropic's errors) and
 * LiteLLM's {@code POST /utils/token_counter}. The key and its model access are checked as for a
 * model call; as in LiteLLM nothing is charged, rate-limited or logged as spend. How the count was
 * made is said in {@value #METHOD_HEADER}: {@code exact} (the provider's own count endpoint),
 * {@code tokenizer} (the model's own encoding) or {@code estimate} (the gateway's rule of thumb).
 */
final class CountTokensHandler {

  static final String METHOD_HEADER = "x-switchboard-token-count";

  private final Bus bus;
  private final CallRouter calls;
  private final long maxBodyBytes;
  private final AnthropicCountCall anthropic;

  CountTokensHandler(Vertx vertx, Bus bus, CallRouter calls, long maxBodyBytes) {
    this.bus = bus;
    this.calls = calls;
    this.maxBodyBytes = maxBodyBytes;
    this.anthropic = new AnthropicCountCall(vertx);
  }

  /** A count, how it was made, and by what (a tokenizer's name, or the provider). */
  record Count(long tokens, String method, String tokenizer, String modelUsed) {
  }

  /** {@code /v1/messages/count_tokens}: Anthropic's request and answer. */
  void anthropic(RoutingContext ctx) {
    ModelCallBody.read(ctx, maxBodyBytes).onSuccess(raw -> {
      Future<Count> counted;
      JsonObject body;
      try {
        body = ModelRequest.jsonObject(raw);
        ModelRequest.model(body);
        messages(body, true);
        counted = count(ctx, body);
      } catch (GatewayError refused) {
        counted = Future.failedFuture(refused);
      }
      counted.onSuccess(count -> json(ctx, count, new JsonObject().put("input_tokens", count.tokens())))
          .onFailure(failure -> ErrorResponses.write(ctx.response(), GatewayError.of(failure), true));
    });
  }

  /** LiteLLM's {@code /utils/token_counter}: {@code {model, messages | prompt}} in, its TokenCountResponse out. */
  void litellm(RoutingContext ctx) {
    ModelCallBody.read(ctx, maxBodyBytes).onSuccess(raw -> {
      Future<Count> counted;
      String model;
      try {
        JsonObject body = ModelRequest.jsonObject(raw);
        model = ModelRequest.model(body);
        if (body.getValue("messages") == null && !(body.getValue("prompt") instanceof String)) {
          throw GatewayError.badRequest("messages", "Send 'messages' (a list of {role, content}) or 'prompt' (a string) to count.");
        }
        if (body.getValue("messages") != null) {
          messages(body, false);
        }
        counted = count(ctx, body);
      } catch (GatewayError refused) {
        counted = Future.failedFuture(refused);
        model = null;
      }
      String requested = model;
      counted.onSuccess(count -> json(ctx, count, new JsonObject().put("total_tokens", count.tokens())
              .put("request_model", requested).put("model_used", count.modelUsed()).put("tokenizer_type", count.tokenizer())))
          .onFailure(failure -> ErrorResponses.write(ctx.response(), GatewayError.of(failure)));
    });
  }

  /** The key, its access to the model, then the best count the model's deployment allows. */
  private Future<Count> count(RoutingContext ctx, JsonObject body) {
    String model = body.getString("model");
    LiveModels.Snapshot models = calls.snapshot();
    return bus.<Principal>hop(Addresses.AUTH_CHECK, new AuthCheck(Credentials.from(ctx.request().headers())))
        .compose(principal -> {
          GatewayError refused = calls.refusal(models, model, principal);
          if (refused != null) {
            return Future.failedFuture(refused);
          }
          Deployment deployment = pick(models.registry().resolve(model));
          if (deployment != null && anthropic.applies(deployment)) {
            return anthropic.count(deployment, body, ctx.request().headers())
                .recover(failure -> failure instanceof GatewayError error && AnthropicCountCall.clientsFault(error)
                    ? Future.failedFuture(failure) : local(ctx, deployment, model, body));
          }
          return local(ctx, deployment, model, body);
        });
  }

  /** An Anthropic deployment when the group has one (it can count exactly), else its first. */
  private Deployment pick(ModelGroup group) {
    if (group == null || group.deployments().isEmpty()) {
      return null;
    }
    for (Deployment d : group.deployments()) {
      if (anthropic.applies(d)) {
        return d;
      }
    }
    return group.deployments().get(0);
  }

  /** With the model's own encoding, off the event loop (an encoding loads once; a long prompt takes a while); else the estimate. */
  static Future<Count> local(RoutingContext ctx, Deployment deployment, String model, JsonObject body) {
    String upstream = deployment == null ? model : deployment.upstreamModel();
    // An Azure deployment's name says nothing; its model_info.base_model (as for prices) or the requested name may.
    EncodingType encoding = TokenCounter.encodingOf(upstream);
    if (encoding == null && deployment != null) {
      encoding = TokenCounter.encodingOf(deployment.info().baseModel());
    }
    if (encoding == null) {
      encoding = TokenCounter.encodingOf(model);
    }
    if (encoding == null) {
      return Future.succeededFuture(new Count(PromptSize.of(body).tokens(), "estimate", "switchboard_estimate", upstream));
    }
    EncodingType chosen = encoding;
    return ctx.vertx().executeBlocking(() -> new Count(TokenCounter.of(chosen).count(body), "tokenizer",
        "openai_tokenizer", upstream), false);
  }

  /** Messages must be a list of objects with a role; Anthropic's endpoint wants at least one. */
  private static void messages(JsonObject body, boolean required) {
    Object value = body.getValue("messages");
    if (value == null && required) {
      throw GatewayError.badRequest("messages", "Missing required field 'messages': a list of {role, content} objects.");
    }
    if (!(value instanceof JsonArray list) || (required && list.isEmpty())) {
      throw GatewayError.badRequest("messages", "'messages' must be a non-empty list of {role, content} objects.");
    }
    for (int i = 0; i < list.size(); i++) {
      if (!(list.getValue(i) instanceof JsonObject message) || !(message.getValue("role") instanceof String)) {
        throw GatewayError.badRequest("messages[" + i + "].role", "messages[" + i + "] must be an object whose 'role' is a string such as 'user'.");
      }
    }
  }

  private static void json(RoutingContext ctx, Count count, JsonObject answer) {
    ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json").putHeader(METHOD_HEADER, count.method())
        .end(answer.toBuffer());
  }
}
