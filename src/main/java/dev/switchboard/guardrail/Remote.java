package dev.switchboard.guardrail;

import dev.switchboard.guardrail.service.Outcome;
import dev.switchboard.guardrail.service.ServiceException;
import dev.switchboard.guardrail.service.Subject;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;

/**
 * A service guardrail's check on {@link Texts}: sends their values, writes back what the service
 * replaced, and turns a service that cannot answer into a pass (fail open, logged) or a refusal
 * (fail closed) as the guardrail says. Why a service failed is logged; the client only reads that
 * the guardrail was unavailable.
 */
final class Remote {

  private static final Logger LOG = Logger.getLogger(Remote.class.getName());

  private Remote() {
  }

  static Future<Verdict> check(Guardrails.Guardrail guardrail, Texts texts, String requestId, boolean answer,
      Selection.Scope scope) {
    List<String> values = new ArrayList<>();
    for (int i = 0; i < texts.size(); i++) {
      values.add(texts.get(i));
    }
    if (values.isEmpty()) {
      return Future.succeededFuture(Verdict.PASS);
    }
    Future<Outcome> outcome;
    try {
      outcome = guardrail.service().check(new Subject(values, answer, requestId, scope.piiTokens(), scope.caller(),
          scope.extraBody().getOrDefault(guardrail.name(), new io.vertx.core.json.JsonObject())));
    } catch (RuntimeException e) {
      outcome = Future.failedFuture(e);
    }
    return outcome.transform(done -> {
      if (done.failed()) {
        return Future.succeededFuture(failed(guardrail, requestId, done.cause()));
      }
      Outcome result = done.result();
      if (result.isBlocked()) {
        return Future.succeededFuture(Verdict.block(result.blocked(), result.findings()));
      }
      if (result.texts() != null) {
        for (int i = 0; i < values.size(); i++) {
          texts.set(i, result.texts().get(i));
        }
      }
      return Future.succeededFuture(Verdict.noted(result.findings()));
    });
  }

  private static Verdict failed(Guardrails.Guardrail guardrail, String requestId, Throwable cause) {
    String why = cause instanceof ServiceException ? cause.getMessage() : cause.getClass().getSimpleName();
    boolean open = guardrail.service().failOpen();
    LOG.warning("[" + requestId + "] guardrail '" + guardrail.name() + "' (" + guardrail.type() + ") could not check: "
        + why + (open ? "; passing (fail open)" : "; refusing (fail closed)"));
    return open ? Verdict.PASS : Verdict.unavailable("The guardrail service could not be reached");
  }
}
