package dev.switchboard.guardrail;

import dev.switchboard.errors.GatewayError;
import dev.switchboard.model.VirtualKey;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Collectors;

/**
 * The guardrails one request runs, and where each runs: {@link #beforeCall} on the request,
 * {@link #onAnswer} on a JSON answer, {@link #watch} beside the provider call and on its stream.
 * Guardrails run one after another in selection order (a mask is what the next one sees); a
 * service guardrail's call is a future, so nothing waits on the event loop. Used on the request's
 * event loop.
 */
public final class Selection {

  private static final Logger LOG = Logger.getLogger(Selection.class.getName());

  private final List<Guardrails.Guardrail> guardrails;
  private final Scope scope;

  /**
   * What service guardrails share over one request: what masks put in its prompt (to put back in
   * its answer), who is calling, in LiteLLM's {@code user_api_key_*} fields, and the request's
   * {@code extra_body} per guardrail name. Never logged.
   */
  record Scope(Map<String, String> piiTokens, JsonObject caller, Map<String, JsonObject> extraBody) {
  }

  Selection(List<Guardrails.Guardrail> guardrails, Map<String, JsonObject> extraBody) {
    this.guardrails = List.copyOf(guardrails);
    this.scope = new Scope(new ConcurrentHashMap<>(), new JsonObject(), Map.copyOf(extraBody));
  }

  /**
   * Who calls, for the services that take it (LiteLLM's {@code user_api_key_hash},
   * {@code _alias}, {@code _user_id}, {@code _team_id}, {@code _end_user_id}); null fields are left out.
   */
  public void identify(VirtualKey key, String endUser) {
    JsonObject caller = scope.caller();
    if (key != null) {
      caller.put("user_api_key_hash", key.tokenHash()).put("user_api_key_alias", key.keyAlias())
          .put("user_api_key_user_id", key.userId()).put("user_api_key_team_id", key.teamId());
    }
    caller.put("user_api_key_end_user_id", endUser);
    caller.getMap().values().removeIf(java.util.Objects::isNull);
  }

  public boolean isEmpty() {
    return guardrails.isEmpty();
  }

  /** The {@code x-litellm-applied-guardrails} header's value: the names, comma-separated. */
  public String header() {
    return guardrails.stream().map(Guardrails.Guardrail::name).collect(Collectors.joining(","));
  }

  /** The pre_call (and logging_only) guardrails on the request body, masking it in place; the error of a block, or null. */
  public Future<GatewayError> beforeCall(JsonObject body, String requestId) {
    return run(Texts.ofRequest(body), requestId, "request", Mode.PRE_CALL);
  }

  /** The post_call (and logging_only) guardrails on a JSON answer, masking it in place; the error of a block, or null. */
  public Future<GatewayError> onAnswer(JsonObject answer, String requestId) {
    return run(Texts.ofAnswer(answer), requestId, "answer", Mode.POST_CALL);
  }

  /** Whether anything watches the provider call itself: a during_call check, or post_call on a stream. */
  public boolean watchesCall(boolean stream) {
    return guardrails.stream().anyMatch(g -> g.modes().contains(Mode.DURING_CALL)
        || stream && (g.modes().contains(Mode.POST_CALL) || g.modes().contains(Mode.LOGGING_ONLY)));
  }

  /** The watch for the provider call: its during_call checks on {@code body}, its stream's window. */
  public Watch watch(JsonObject body, String requestId) {
    List<Guardrails.Guardrail> during = of(Mode.DURING_CALL);
    // A service is not called per stream event: service guardrails check JSON answers only.
    List<Guardrails.Guardrail> streamed = guardrails.stream()
        .filter(g -> g.modes().contains(Mode.POST_CALL) || g.modes().contains(Mode.LOGGING_ONLY))
        .filter(g -> g.check() != null)
        .filter(g -> !(g.check() instanceof JsonSchemaCheck) && !(g.check() instanceof PromptLimits))
        .toList();
    // The during_call checks read their own copy: the body itself is sent meanwhile.
    return new Watch(during, during.isEmpty() ? null : body.copy(), streamed, requestId, Watch.WINDOW_CHARS, scope);
  }

  private List<Guardrails.Guardrail> of(Mode mode) {
    return guardrails.stream().filter(g -> g.modes().contains(mode)).toList();
  }

  private Future<GatewayError> run(Texts texts, String requestId, String what, Mode mode) {
    Future<GatewayError> chain = Future.succeededFuture();
    for (Guardrails.Guardrail guardrail : guardrails) {
      boolean logOnly = guardrail.modes().contains(Mode.LOGGING_ONLY);
      if (!guardrail.modes().contains(mode) && !logOnly) {
        continue;
      }
      boolean onlyLogs = logOnly && !guardrail.modes().contains(mode);
      chain = chain.compose(error -> error != null ? Future.succeededFuture(error)
          : apply(guardrail, texts, requestId, what, onlyLogs, scope));
    }
    return chain;
  }

  /** One guardrail on {@code texts}; logging_only sees a copy, so it neither masks nor blocks. */
  static Future<GatewayError> apply(Guardrails.Guardrail guardrail, Texts texts, String requestId, String what,
      boolean logOnly, Scope scope) {
    return inspect(guardrail, texts, requestId, what, logOnly, scope).map(verdict -> error(guardrail, verdict, logOnly));
  }

  /** The error of a verdict: null when it passes or only logs. */
  static GatewayError error(Guardrails.Guardrail guardrail, Verdict verdict, boolean logOnly) {
    if (!verdict.isBlocked() || logOnly) {
      return null;
    }
    return verdict.unavailable() ? Guardrails.unavailable(guardrail.name(), verdict.blocked())
        : Guardrails.blocked(guardrail.name(), verdict.blocked());
  }

  /** As {@link #apply}, answering the verdict itself; what it found is logged, the matched text never. */
  static Future<Verdict> inspect(Guardrails.Guardrail guardrail, Texts texts, String requestId, String what,
      boolean logOnly, Scope scope) {
    Texts seen = logOnly ? texts.copy() : texts;
    Future<Verdict> verdict = guardrail.check() != null ? Future.succeededFuture(guardrail.check().check(seen))
        : Remote.check(guardrail, seen, requestId, what.equals("answer"), scope);
    return verdict.map(v -> logged(guardrail, v, requestId, what, logOnly));
  }

  /** {@link #inspect} for an in-process check, answered at once (a stream's window). */
  static Verdict inspectNow(Guardrails.Guardrail guardrail, Texts texts, String requestId, String what, boolean logOnly) {
    Texts seen = logOnly ? texts.copy() : texts;
    return logged(guardrail, guardrail.check().check(seen), requestId, what, logOnly);
  }

  private static Verdict logged(Guardrails.Guardrail guardrail, Verdict verdict, String requestId, String what,
      boolean logOnly) {
    if (!verdict.findings().isEmpty() || verdict.isBlocked() && logOnly) {
      LOG.log(logOnly ? Level.INFO : Level.WARNING, "[" + requestId + "] guardrail '" + guardrail.name() + "' on the "
          + what + ": " + (verdict.isBlocked() ? verdict.blocked() : String.join(", ", verdict.findings())));
    }
    return verdict;
  }
}
