package dev.switchboard.guardrail.service;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Lakera Guard v2 ({@code guardrail: lakera_v2}, also {@code lakera}), as LiteLLM calls it:
 * {@code POST <api_base>/v2/guard} with {@code Authorization: Bearer <api_key>} and
 * {@code {messages, project_id, payload, breakdown, metadata, dev_info}}. A {@code flagged} answer
 * whose detections are all PII ({@code pii/...} in {@code breakdown}) masks them by the offsets in
 * {@code payload} ({@code [MASKED CREDIT_CARD]}); any other is refused ({@code on_flagged: block}, the
 * default) or only logged ({@code monitor}). An unreachable or failing service refuses the text.
 */
final class Lakera implements GuardService {

  private final ServiceClient client;
  private final String url;
  private final Map<String, String> headers;
  private final JsonObject settings;
  private final boolean monitor;
  private final long timeout;

  private Lakera(ServiceClient client, String url, Map<String, String> headers, JsonObject settings, boolean monitor,
      long timeout) {
    this.client = client;
    this.url = url;
    this.headers = headers;
    this.settings = settings;
    this.monitor = monitor;
    this.timeout = timeout;
  }

  static Lakera of(Params params, ServiceClient client) {
    String key = params.require("api_key", "LAKERA_API_KEY");
    String base = params.string("api_base", "LAKERA_API_BASE");
    JsonObject settings = new JsonObject().put("payload", params.bool("payload", true))
        .put("breakdown", params.bool("breakdown", true)).put("dev_info", params.bool("dev_info", true));
    if (params.string("project_id") != null) {
      settings.put("project_id", params.string("project_id"));
    }
    if (!params.map("metadata").isEmpty()) {
      settings.put("metadata", params.map("metadata"));
    }
    boolean monitor = params.choice("on_flagged", List.of("block", "monitor"), "block").equals("monitor");
    return new Lakera(client, Params.base(base == null ? "https://api.lakera.ai" : base) + "/v2/guard",
        Map.of("authorization", "Bearer " + key), settings, monitor, params.timeoutMillis());
  }

  @Override
  public boolean failOpen() {
    return false;
  }

  @Override
  public Future<Outcome> check(Subject subject) {
    JsonArray messages = new JsonArray();
    String role = subject.answer() ? "assistant" : "user";
    subject.texts().forEach(text -> messages.add(new JsonObject().put("role", role).put("content", text)));
    JsonObject body = settings.copy().put("messages", messages);
    return client.post(url, headers, body, timeout).map(reply -> {
      if (reply.status() != 200 || !(reply.json() instanceof JsonObject answer)) {
        throw new ServiceException(url + " answered " + reply.status());
      }
      if (!Boolean.TRUE.equals(answer.getValue("flagged"))) {
        return Outcome.PASS;
      }
      List<String> detected = detected(answer);
      boolean onlyPii = !detected.isEmpty() && detected.stream().allMatch(d -> d.startsWith("pii/"));
      if (onlyPii && answer.getValue("payload") instanceof JsonArray payload && !payload.isEmpty()) {
        return Outcome.replaced(mask(subject.texts(), payload), detected);
      }
      return monitor ? Outcome.noted(detected.isEmpty() ? List.of("flagged") : detected)
          : Outcome.block("Violated guardrail policy" + (detected.isEmpty() ? "" : ": " + String.join(", ", detected)),
              detected);
    });
  }

  /** The detector types that detected something, from {@code breakdown}. */
  private static List<String> detected(JsonObject answer) {
    Set<String> out = new LinkedHashSet<>();
    if (answer.getValue("breakdown") instanceof JsonArray breakdown) {
      for (Object item : breakdown) {
        if (item instanceof JsonObject b && Boolean.TRUE.equals(b.getValue("detected"))
            && b.getValue("detector_type") instanceof String type) {
          out.add(type);
        }
      }
    }
    return List.copyOf(out);
  }

  /** Each message's detections replaced, from its end back so earlier offsets stay valid. */
  private static List<String> mask(List<String> texts, JsonArray payload) {
    List<String> out = new ArrayList<>(texts);
    List<JsonObject> found = new ArrayList<>();
    payload.forEach(item -> {
      if (item instanceof JsonObject p && p.getValue("message_id") instanceof Number
          && p.getValue("start") instanceof Number && p.getValue("end") instanceof Number) {
        found.add(p);
      }
    });
    found.sort((a, b) -> Integer.compare(b.getInteger("start"), a.getInteger("start")));
    for (JsonObject p : found) {
      int id = p.getInteger("message_id");
      if (id < 0 || id >= out.size()) {
        continue;
      }
      String text = out.get(id);
      int start = Math.max(0, Math.min(p.getInteger("start"), text.length()));
      int end = Math.max(start, Math.min(p.getInteger("end"), text.length()));
      String type = String.valueOf(p.getValue("detector_type", "pii"));
      String name = type.substring(type.lastIndexOf('/') + 1).toUpperCase(Locale.ROOT);
      out.set(id, text.substring(0, start) + "[MASKED " + (name.isEmpty() ? "PII" : name) + "]" + text.substring(end));
    }
    return out;
  }
}
