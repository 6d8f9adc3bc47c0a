package dev.switchboard.ingress;

import dev.switchboard.errors.ErrorClass;
import dev.switchboard.errors.GatewayError;
import dev.switchboard.model.Operation;
import dev.switchboard.model.RelayResult;
import dev.switchboard.model.Usage;
import dev.switchboard.model.UsageEstimate;
import dev.switchboard.pipeline.Stage;
import io.vertx.core.Future;

/**
 * LiteLLM's {@code mock_response}: a body that carries one is answered with that text and no
 * provider is called, for users' own tests. It comes after auth, access, limits and budget, so the
 * request is refused exactly as a real one would be; its usage is estimated, its cost is 0 (no
 * deployment served it) and its spend row is written. {@code "litellm.RateLimitError"} (any of
 * LiteLLM's error class names after {@code litellm.}) fails the request with that error instead.
 * The stage that shows the chain's extension point: it answers early and the route stage is skipped.
 */
final class MockResponseStage implements Stage<ModelCall> {

  static final String FIELD = "mock_response";

  @Override
  public String name() {
    return "mock";
  }

  @Override
  public Future<Void> before(ModelCall request) {
    Object mock = request.operation == Operation.EMBEDDING ? null : request.call.body().json().getValue(FIELD);
    if (mock == null) {
      return Future.succeededFuture();
    }
    if (!(mock instanceof String text)) {
      return Future.failedFuture(GatewayError.badRequest(FIELD, "'mock_response' must be a string: the answer's text,"
          + " or a LiteLLM error class such as 'litellm.RateLimitError'."));
    }
    ErrorClass raised = errorClass(text);
    if (raised != null) {
      return Future.failedFuture(GatewayError.of(raised, "mock_response", "This error was asked for by mock_response '"
          + text + "'; no provider was called."));
    }
    if (request.operation == Operation.RERANK || request.operation == Operation.MODERATION) {
      // Their answers are scores, not text: only a mocked error makes sense there.
      return Future.failedFuture(GatewayError.badRequest(FIELD, "On " + request.operation.path() + " 'mock_response' "
          + "takes only a LiteLLM error class such as 'litellm.RateLimitError'; text answers are mocked on chat, "
          + "completions, messages and responses."));
    }
    Usage usage = UsageEstimate.of(request.call.body().prompt(), text.length());
    MockAnswers answers = new MockAnswers(request.operation, request.model(), text, usage);
    if (request.call.stream()) {
      request.result = new RelayResult(null, usage, System.nanoTime() - request.startNanos(), null, false,
          answers.stream(request.response, request.call.includeUsage()));
    } else {
      request.result = new RelayResult(answers.body().toBuffer(), usage, 0, null, false);
    }
    request.answer();
    return Future.succeededFuture();
  }

  /** The class LiteLLM raises for {@code litellm.<ClassName>}, or null for answer text. */
  static ErrorClass errorClass(String text) {
    if (!text.startsWith("litellm.")) {
      return null;
    }
    String name = text.substring("litellm.".length());
    for (ErrorClass candidate : ErrorClass.values()) {
      if (candidate.litellmName().equals(name)) {
        return candidate;
      }
    }
    return null;
  }
}
