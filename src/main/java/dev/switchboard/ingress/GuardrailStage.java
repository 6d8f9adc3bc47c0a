package dev.switchboard.ingress;

import dev.switchboard.guardrail.Guardrails;
import dev.switchboard.guardrail.Selection;
import dev.switchboard.model.VirtualKey;
import dev.switchboard.pipeline.Stage;
import io.vertx.core.Future;
import java.util.function.Supplier;
import io.vertx.core.json.JsonObject;

/**
 * Guardrails on the request (pre_call, logging_only), before routing: picks the request's
 * guardrails (default_on, its key's and team's {@code metadata.guardrails}, its body's
 * {@code guardrails}), names them in {@code x-litellm-applied-guardrails}, masks or refuses the
 * request, and sets up the watch that during_call and streamed post_call guardrails keep on the call.
 */
final class GuardrailStage implements Stage<ModelCall> {

  /** LiteLLM's header: the guardrails that ran on the request. */
  static final String APPLIED_HEADER = "x-litellm-applied-guardrails";

  private final Supplier<Guardrails> live;

  /** @param live the guardrails in force, asked per request: a config reload replaces them */
  GuardrailStage(Supplier<Guardrails> live) {
    this.live = live;
  }

  @Override
  public String name() {
    return "guardrails";
  }

  @Override
  public Future<Void> before(ModelCall request) {
    JsonObject body = request.call.body().json();
    Guardrails guardrails = live.get();
    if (guardrails.isEmpty()) {
      return Future.succeededFuture();
    }
    VirtualKey key = request.principal == null ? null : request.principal.key();
    Selection selection = guardrails.select(key == null ? null : key.metadata(), key == null ? null : key.teamMetadata(),
        body);
    if (selection.isEmpty()) {
      return Future.succeededFuture();
    }
    request.guardrails = selection;
    selection.identify(key, body.getValue("user") instanceof String user ? user : null);
    request.response.putHeader(APPLIED_HEADER, selection.header());
    return selection.beforeCall(body, request.requestId()).compose(blocked -> {
      if (blocked != null) {
        return Future.failedFuture(blocked);
      }
      if (selection.watchesCall(request.call.stream())) {
        request.watch = selection.watch(body, request.requestId());
      }
      return Future.succeededFuture();
    });
  }
}
