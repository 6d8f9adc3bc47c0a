package dev.switchboard.guardrail.service;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * LiteLLM's Generic Guardrail API ({@code guardrail: generic_guardrail_api}): POSTs
 * {@code {texts, input_type, request_data, litellm_call_id, additional_provider_specific_params}} to
 * {@code <api_base>/beta/litellm_basic_guardrail_api}; the answer's {@code action} is
 * {@code BLOCKED} (with {@code blocked_reason}), {@code NONE}, or {@code GUARDRAIL_INTERVENED} (with
 * the modified {@code texts}). A service that cannot answer refuses the request unless
 * {@code unreachable_fallback: fail_open}.
 */
final class GenericGuardrailApi implements GuardService {

  static final String PATH = "/beta/litellm_basic_guardrail_api";

  private final ServiceClient client;
  private final String url;
  private final Map<String, String> headers;
  private final JsonObject additional;
  private final boolean failOpen;
  private final long timeout;

  private GenericGuardrailApi(ServiceClient client, String url, Map<String, String> headers, JsonObject additional,
      boolean failOpen, long timeout) {
    this.client = client;
    this.url = url;
    this.headers = headers;
    this.additional = additional;
    this.failOpen = failOpen;
    this.timeout = timeout;
  }

  static GenericGuardrailApi of(Params params, ServiceClient client) {
    String base = Params.base(params.require("api_base", "GENERIC_GUARDRAIL_API_BASE"));
    String url = base.endsWith(PATH) ? base : base + PATH;
    Map<String, String> headers = new LinkedHashMap<>();
    params.map("headers").forEach(e -> headers.put(e.getKey(), String.valueOf(e.getValue())));
    String key = params.string("api_key");
    if (key != null && !key.isBlank()) {
      headers.put("x-api-key", key);
    }
    boolean failOpen = params.choice("unreachable_fallback", List.of("fail_closed", "fail_open"), "fail_closed")
        .equals("fail_open");
    return new GenericGuardrailApi(client, url, Map.copyOf(headers), params.map("additional_provider_specific_params"),
        failOpen, params.timeoutMillis());
  }

  @Override
  public boolean failOpen() {
    return failOpen;
  }

  @Override
  public Future<Outcome> check(Subject subject) {
    JsonObject body = new JsonObject()
        .put("texts", new JsonArray(new ArrayList<>(subject.texts())))
        .put("request_data", subject.caller().copy())
        .put("input_type", subject.answer() ? "response" : "request")
        .put("litellm_call_id", subject.requestId())
        .put("additional_provider_specific_params", additional.copy().mergeIn(subject.extraBody()));
    return client.post(url, headers, body, timeout).map(reply -> read(reply, subject.texts().size()));
  }

  private Outcome read(ServiceClient.Reply reply, int count) {
    if (reply.status() < 200 || reply.status() >= 300 || !(reply.json() instanceof JsonObject answer)) {
      throw new ServiceException(url + " answered " + reply.status() + (reply.json() instanceof JsonObject ? ""
          : " without a JSON object"));
    }
    String action = answer.getValue("action") instanceof String s ? s : "";
    switch (action) {
      case "BLOCKED" -> {
        String reason = answer.getValue("blocked_reason") instanceof String s && !s.isBlank() ? s
            : "Content violates policy";
        return Outcome.block("Content blocked by guardrail: " + reason, List.of("BLOCKED"));
      }
      case "NONE", "GUARDRAIL_INTERVENED" -> {
        if (!(answer.getValue("texts") instanceof JsonArray texts) || texts.isEmpty()) {
          return action.equals("NONE") ? Outcome.PASS : Outcome.noted(List.of(action));
        }
        if (texts.size() != count || texts.stream().anyMatch(t -> !(t instanceof String))) {
          throw new ServiceException(url + " answered " + texts.size() + " texts for " + count);
        }
        List<String> out = new ArrayList<>();
        texts.forEach(t -> out.add((String) t));
        return Outcome.replaced(out, List.of(action));
      }
      default -> throw new ServiceException(url + " answered an unknown action '" + action + "'");
    }
  }
}
