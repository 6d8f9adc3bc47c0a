package dev.switchboard.guardrail.service;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;

/**
 * Aporia ({@code guardrail: aporia}), as LiteLLM calls it: {@code POST <api_base>/validate} with
 * {@code X-APORIA-API-KEY}, the prompt as {@code messages} ({@code validation_target: prompt}) or
 * the answer as {@code response} ({@code validation_target: response}); an answer whose
 * {@code action} is {@code block} refuses the text, any other action passes. LiteLLM reads the
 * answer only on status 200, so another status passes (logged); an unreachable service refuses.
 * Settings {@code api_key}, {@code api_base}, or LiteLLM's environment variables
 * {@code APORIO_API_KEY}, {@code APORIO_API_BASE} (sic).
 */
final class Aporia implements GuardService {

  private static final java.util.logging.Logger LOG = java.util.logging.Logger.getLogger(Aporia.class.getName());

  private final ServiceClient client;
  private final String url;
  private final Map<String, String> headers;
  private final long timeout;

  private Aporia(ServiceClient client, String url, Map<String, String> headers, long timeout) {
    this.client = client;
    this.url = url;
    this.headers = headers;
    this.timeout = timeout;
  }

  static Aporia of(Params params, ServiceClient client) {
    String key = params.require("api_key", "APORIO_API_KEY");
    String base = Params.base(params.require("api_base", "APORIO_API_BASE"));
    return new Aporia(client, base + "/validate", Map.of("X-APORIA-API-KEY", key), params.timeoutMillis());
  }

  @Override
  public boolean failOpen() {
    return false;
  }

  @Override
  public Future<Outcome> check(Subject subject) {
    JsonObject body = new JsonObject();
    if (subject.answer()) {
      body.put("response", String.join("\n", subject.texts())).put("validation_target", "response");
    } else {
      JsonArray messages = new JsonArray();
      subject.texts().forEach(text -> messages.add(new JsonObject().put("role", "user").put("content", text)));
      body.put("messages", messages).put("validation_target", "prompt");
    }
    body.mergeIn(subject.extraBody()); // the request's dynamic params, as LiteLLM adds them
    return client.post(url, headers, body, timeout).map(reply -> {
      if (reply.status() != 200) {
        LOG.warning("Aporia " + url + " answered " + reply.status() + "; passing, as LiteLLM does");
        return Outcome.PASS;
      }
      String action = reply.json() instanceof JsonObject answer && answer.getValue("action") instanceof String s ? s : "";
      return action.equals("block") ? Outcome.block("Violated guardrail policy", List.of("block"))
          : Outcome.noted(action.isEmpty() || action.equals("passthrough") ? List.of() : List.of(action));
    });
  }
}
