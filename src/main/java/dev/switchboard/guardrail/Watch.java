package dev.switchboard.guardrail;

import dev.switchboard.errors.GatewayError;
import dev.switchboard.model.CallGuard;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Guardrails on the provider call itself. during_call checks start once the provider has been
 * called and run beside it (in-process checks on a worker thread, service calls as futures); a
 * block cancels the call. post_call guardrails on a
 * stream check a sliding window of its last {@code windowChars} characters of answer text at each
 * event: a block, or a mask (sent text cannot be taken back), ends the stream with an error event.
 * Used on the request's event loop.
 */
public final class Watch implements CallGuard {

  /** How much of a stream's latest answer text post_call guardrails see at each event. */
  public static final int WINDOW_CHARS = 2048;

  private final List<Guardrails.Guardrail> during;
  private final JsonObject body;
  private final List<Guardrails.Guardrail> streamed;
  private final String requestId;
  private final int windowChars;
  private final Selection.Scope scope;
  private final StringBuilder window = new StringBuilder();
  private final Promise<GatewayError> duringVerdict = Promise.promise();
  private final Set<String> logged = new HashSet<>();
  private Consumer<GatewayError> cancel;
  private boolean started;

  Watch(List<Guardrails.Guardrail> during, JsonObject body, List<Guardrails.Guardrail> streamed, String requestId,
      int windowChars, Selection.Scope scope) {
    this.scope = scope;
    this.during = during;
    this.body = body;
    this.streamed = streamed;
    this.requestId = requestId;
    this.windowChars = windowChars;
    if (during.isEmpty()) {
      duringVerdict.complete(null);
    }
  }

  @Override
  public void providerCalled(Consumer<GatewayError> cancel) {
    this.cancel = cancel;
    if (started) {
      GatewayError known = duringVerdict.future().isComplete() ? duringVerdict.future().result() : null;
      if (known != null) {
        cancel.accept(known); // a later attempt (a retry, a fallback) of a call already refused
      }
      return;
    }
    started = true;
    runDuring(Vertx.currentContext()).onComplete(done -> {
      GatewayError error = done.succeeded() ? done.result() : Guardrails.blocked("during_call",
          "The guardrail check failed");
      duringVerdict.tryComplete(error);
      if (error != null && this.cancel != null) {
        this.cancel.accept(error);
      }
    });
  }

  /**
   * The during_call guardrails: the in-process checks on a worker thread (the provider call goes
   * on meanwhile), then the service guardrails, whose calls are futures on this context.
   */
  private Future<GatewayError> runDuring(Context context) {
    if (during.isEmpty()) {
      return Future.succeededFuture();
    }
    Texts texts = Texts.ofRequest(body);
    List<Guardrails.Guardrail> local = during.stream().filter(g -> g.check() != null).toList();
    Future<GatewayError> first = local.isEmpty() ? Future.succeededFuture()
        : context == null ? Future.succeededFuture(runLocal(local, texts))
        : context.executeBlocking(() -> runLocal(local, texts), false);
    Future<GatewayError> chain = first;
    for (Guardrails.Guardrail guardrail : during) {
      if (guardrail.service() != null) {
        chain = chain.compose(error -> error != null ? Future.succeededFuture(error)
            : Selection.apply(guardrail, texts, requestId, "request", false, scope));
      }
    }
    return chain;
  }

  private GatewayError runLocal(List<Guardrails.Guardrail> local, Texts texts) {
    for (Guardrails.Guardrail guardrail : local) {
      GatewayError error = Selection.error(guardrail, Selection.inspectNow(guardrail, texts, requestId, "request", false),
          false);
      if (error != null) {
        return error;
      }
    }
    return null;
  }

  /**
   * What the during_call checks decided (null: nothing blocked). A call that never reached a
   * provider (a mock_response) runs them now.
   */
  public Future<GatewayError> duringVerdict() {
    if (!started) {
      started = true;
      runDuring(Vertx.currentContext()).onComplete(done -> duringVerdict.tryComplete(done.succeeded() ? done.result()
          : Guardrails.blocked("during_call", "The guardrail check failed")));
    }
    return duringVerdict.future();
  }

  @Override
  public GatewayError onStreamEvent(String framed) {
    if (streamed.isEmpty() || !append(framed)) {
      return null;
    }
    String text = window.toString();
    for (Guardrails.Guardrail guardrail : streamed) {
      boolean logOnly = !guardrail.modes().contains(Mode.POST_CALL);
      if (logOnly && logged.contains(guardrail.name())) {
        continue; // what it found stays in the window for a while: logged once a stream
      }
      Texts seen = Texts.of(text);
      Verdict verdict = Selection.inspectNow(guardrail, seen, requestId, "stream", logOnly);
      if (logOnly) {
        if (verdict.isBlocked() || !verdict.findings().isEmpty()) {
          logged.add(guardrail.name());
        }
        continue;
      }
      if (verdict.isBlocked()) {
        return Guardrails.blocked(guardrail.name(), verdict.blocked());
      }
      if (!seen.get(0).equals(text)) {
        return Guardrails.blocked(guardrail.name(), "Content blocked: the streamed answer holds text this guardrail masks");
      }
    }
    return null;
  }

  /** Adds the answer text of the framed events to the window, keeping its last {@code windowChars}; whether any came. */
  private boolean append(String framed) {
    boolean added = false;
    for (String line : framed.split("\n")) {
      if (!line.startsWith("data:")) {
        continue;
      }
      String data = line.substring(5).trim();
      if (!data.startsWith("{")) {
        continue;
      }
      String text;
      try {
        text = textOf(new JsonObject(data));
      } catch (DecodeException notJson) {
        continue; // the relay passes on what it cannot read; there is no answer text in it
      }
      if (!text.isEmpty()) {
        window.append(text);
        added = true;
      }
    }
    if (window.length() > windowChars) {
      window.delete(0, window.length() - windowChars);
    }
    return added;
  }

  /** The answer text of one chunk: OpenAI chat and completions, Anthropic's text deltas, the Responses API's. */
  private static String textOf(JsonObject chunk) {
    StringBuilder out = new StringBuilder();
    if (chunk.getValue("choices") instanceof JsonArray choices) {
      for (Object choice : choices) {
        if (choice instanceof JsonObject c) {
          if (c.getValue("delta") instanceof JsonObject delta && delta.getValue("content") instanceof String s) {
            out.append(s);
          }
          if (c.getValue("text") instanceof String s) {
            out.append(s);
          }
        }
      }
    }
    if (chunk.getValue("delta") instanceof JsonObject delta && delta.getValue("text") instanceof String s) {
      out.append(s);
    }
    if ("response.output_text.delta".equals(chunk.getValue("type")) && chunk.getValue("delta") instanceof String s) {
      out.append(s);
    }
    return out.toString();
  }
}
