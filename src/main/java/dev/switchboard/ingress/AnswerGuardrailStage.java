package dev.switchboard.ingress;

import dev.switchboard.errors.ErrorResponses;
import dev.switchboard.errors.GatewayError;
import dev.switchboard.model.Operation;
import dev.switchboard.model.RelayResult;
import dev.switchboard.pipeline.Stage;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

/**
 * Guardrails on the answer, after routing: waits for the during_call checks (the answer is not
 * given before they pass), then runs post_call guardrails on a JSON answer, masking it or refusing
 * it. A refused answer was still served by the provider: its usage stays on the request and is charged.
 * Streams are checked as they go ({@link dev.switchboard.guardrail.Watch}).
 */
final class AnswerGuardrailStage implements Stage<ModelCall> {

  @Override
  public String name() {
    return "guardrails_answer";
  }

  @Override
  public Future<Void> before(ModelCall request) {
    if (request.guardrails == null) {
      return Future.succeededFuture();
    }
    Future<GatewayError> during = request.watch == null ? Future.succeededFuture() : request.watch.duringVerdict();
    return during.compose(blocked -> {
      if (blocked != null) {
        endStream(request, blocked);
        return Future.failedFuture(blocked);
      }
      RelayResult result = request.result;
      if (result == null || result.body() == null) {
        return Future.succeededFuture();
      }
      JsonObject answer;
      try {
        answer = result.body().toJsonObject();
      } catch (DecodeException | ClassCastException notAnObject) {
        return Future.succeededFuture(); // not a JSON answer (audio, say): nothing to read
      }
      return request.guardrails.onAnswer(answer, request.requestId()).compose(refused -> {
        if (refused != null) {
          return Future.failedFuture(refused);
        }
        Buffer checked = answer.toBuffer();
        if (!checked.equals(result.body())) {
          request.result = new RelayResult(checked, result.usage(), result.firstByteNanos(), result.streamError(),
              result.clientGone(), result.ending(), result.streamedAnswer());
        }
        return Future.<Void>succeededFuture();
      });
    });
  }

  /**
   * A stream that went out whole before a during_call check blocked (its end and [DONE] are held
   * until now): it ends with the block as an SSE error event instead.
   */
  private static void endStream(ModelCall request, GatewayError blocked) {
    HttpServerResponse response = request.response;
    if (!response.headWritten() || response.ended() || response.closed()) {
      return;
    }
    String event = request.operation == Operation.MESSAGES
        ? "event: error\ndata: " + ErrorResponses.anthropic(blocked).encode() + "\n\n"
        : "data: " + blocked.toJson().encode() + "\n\n";
    response.end(event);
  }
}
