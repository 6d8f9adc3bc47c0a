package dev.switchboard.guardrail.service;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * OpenAI's moderation endpoint ({@code guardrail: openai_moderation}), as LiteLLM's guardrail calls
 * it: the texts joined by newlines go to {@code POST <api_base>/moderations {model, input}} with
 * {@code Authorization: Bearer <api_key>} ({@code api_base} defaults to
 * {@code https://api.openai.com/v1}, {@code model} to {@code omni-moderation-latest}, {@code api_key}
 * to {@code OPENAI_API_KEY}); a flagged first result refuses the text, naming its categories. Fails
 * closed: LiteLLM raises when the endpoint does not answer 200.
 */
final class OpenAiModeration implements GuardService {

  private final ServiceClient client;
  private final String url;
  private final Map<String, String> headers;
  private final String model;
  private final long timeout;

  private OpenAiModeration(ServiceClient client, String url, Map<String, String> headers, String model, long timeout) {
    this.client = client;
    this.url = url;
    this.headers = headers;
    this.model = model;
    this.timeout = timeout;
  }

  static OpenAiModeration of(Params params, ServiceClient client) {
    String key = params.require("api_key", "OPENAI_API_KEY");
    String base = params.string("api_base");
    String model = params.string("model");
    return new OpenAiModeration(client, Params.base(base == null ? "https://api.openai.com/v1" : base) + "/moderations",
        Map.of("authorization", "Bearer " + key), model == null ? "omni-moderation-latest" : model,
        params.timeoutMillis());
  }

  @Override
  public boolean failOpen() {
    return false;
  }

  @Override
  public Future<Outcome> check(Subject subject) {
    String input = String.join("\n", subject.texts());
    if (input.isBlank()) {
      return Future.succeededFuture(Outcome.PASS);
    }
    JsonObject body = new JsonObject().put("model", model).put("input", input);
    return client.post(url, headers, body, timeout).map(reply -> {
      if (reply.status() != 200 || !(reply.json() instanceof JsonObject answer)) {
        throw new ServiceException(url + " answered " + reply.status());
      }
      JsonArray results = answer.getValue("results") instanceof JsonArray r ? r : new JsonArray();
      if (results.isEmpty() || !(results.getValue(0) instanceof JsonObject first)
          || !Boolean.TRUE.equals(first.getValue("flagged"))) {
        return Outcome.PASS;
      }
      List<String> categories = new ArrayList<>();
      if (first.getValue("categories") instanceof JsonObject flags) {
        flags.forEach(e -> {
          if (Boolean.TRUE.equals(e.getValue())) {
            categories.add(e.getKey());
          }
        });
      }
      return Outcome.block("Violated OpenAI moderation policy" + (categories.isEmpty() ? ""
          : ": " + String.join(", ", categories)), categories);
    });
  }
}
