package dev.switchboard.guardrail;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Guardrail services on loopback, each speaking its real wire format and refusing (422, noted in
 * {@link #violations}) a request that does not: LiteLLM's generic guardrail API, Presidio's
 * analyzer and anonymizer, OpenAI moderations, Lakera Guard v2, Aporia's validate. What they find
 * is keyed by words in the text: {@code BLOCKME}, {@code secret-name}, {@code kill}, {@code ignore
 * previous instructions}, e-mail addresses and card numbers; {@code SLOW} is never answered.
 */
final class ServiceMock {

  static final String KEY = "sk-guard-svc-key-0123456789";
  static final Pattern EMAIL = Pattern.compile("[\\w.]+@[\\w.]+\\.[a-z]+");
  static final Pattern CARD = Pattern.compile("\\b\\d{4} \\d{4} \\d{4} \\d{4}\\b");

  final List<String> violations = new CopyOnWriteArrayList<>();
  /** The bodies each path received, in order. */
  final Map<String, List<JsonObject>> received = new ConcurrentHashMap<>();
  private final Vertx vertx;
  private HttpServer server;

  ServiceMock(Vertx vertx) {
    this.vertx = vertx;
  }

  Future<ServiceMock> start() {
    server = vertx.createHttpServer().requestHandler(request -> request.body().onSuccess(body -> {
      JsonObject json;
      try {
        json = body.toJsonObject();
      } catch (RuntimeException e) {
        refuse(request, "not JSON");
        return;
      }
      received.computeIfAbsent(request.path(), p -> new CopyOnWriteArrayList<>()).add(json);
      if (!"POST".equals(request.method().name()) || !String.valueOf(request.getHeader("content-type"))
          .startsWith("application/json")) {
        refuse(request, "POST with JSON expected");
        return;
      }
      if (json.encode().contains("SLOW")) {
        return; // never answered: the gateway's timeout must end the wait
      }
      switch (request.path()) {
        case "/beta/litellm_basic_guardrail_api" -> generic(request, json);
        case "/presidio/analyze" -> analyze(request, json);
        case "/presidio/anonymize" -> anonymize(request, json);
        case "/v1/moderations" -> moderation(request, json);
        case "/v2/guard" -> lakera(request, json);
        case "/validate" -> aporia(request, json);
        default -> refuse(request, "unknown path " + request.path());
      }
    }));
    return server.listen(0, "127.0.0.1").map(s -> this);
  }

  String base() {
    return "http://127.0.0.1:" + server.actualPort();
  }

  private void refuse(HttpServerRequest request, String why) {
    violations.add(request.path() + ": " + why);
    request.response().setStatusCode(422).putHeader("content-type", "application/json")
        .end(new JsonObject().put("detail", why).encode());
  }

  private static void json(HttpServerRequest request, Object body) {
    request.response().putHeader("content-type", "application/json")
        .end(body instanceof JsonArray a ? a.encode() : ((JsonObject) body).encode());
  }

  private static List<String> strings(Object value) {
    List<String> out = new ArrayList<>();
    if (value instanceof JsonArray list) {
      list.forEach(item -> out.add(item instanceof String s ? s : null));
    }
    return out;
  }

  private void generic(HttpServerRequest request, JsonObject body) {
    List<String> texts = strings(body.getValue("texts"));
    if (texts.isEmpty() || texts.contains(null) || !(body.getValue("request_data") instanceof JsonObject)
        || !List.of("request", "response").contains(body.getString("input_type"))
        || !(body.getValue("additional_provider_specific_params") instanceof JsonObject)) {
      refuse(request, "generic guardrail request malformed: " + body.encode());
      return;
    }
    if (!KEY.equals(request.getHeader("x-api-key"))) {
      request.response().setStatusCode(401).end();
      return;
    }
    String all = String.join(" ", texts);
    if (all.contains("BLOCKME")) {
      json(request, new JsonObject().put("action", "BLOCKED").put("blocked_reason", "prompt injection"));
    } else if (all.contains("secret-name")) {
      JsonArray changed = new JsonArray();
      texts.forEach(t -> changed.add(t.replace("secret-name", "[NAME]")));
      json(request, new JsonObject().put("action", "GUARDRAIL_INTERVENED").put("texts", changed));
    } else {
      json(request, new JsonObject().put("action", "NONE"));
    }
  }

  private void analyze(HttpServerRequest request, JsonObject body) {
    if (!(body.getValue("text") instanceof String text) || !(body.getValue("language") instanceof String)) {
      refuse(request, "analyze needs text and language");
      return;
    }
    JsonArray results = new JsonArray();
    find(EMAIL, text, "EMAIL_ADDRESS", results);
    find(CARD, text, "CREDIT_CARD", results);
    if (body.getValue("entities") instanceof JsonArray wanted) {
      results = new JsonArray(results.stream().filter(r -> wanted.contains(((JsonObject) r).getString("entity_type")))
          .toList());
    }
    json(request, results);
  }

  private static void find(Pattern pattern, String text, String entity, JsonArray into) {
    Matcher m = pattern.matcher(text);
    while (m.find()) {
      into.add(new JsonObject().put("entity_type", entity).put("start", m.start()).put("end", m.end())
          .put("score", 0.95).put("analysis_explanation", (Object) null));
    }
  }

  private void anonymize(HttpServerRequest request, JsonObject body) {
    if (!(body.getValue("text") instanceof String text) || !(body.getValue("analyzer_results") instanceof JsonArray found)
        || found.isEmpty()) {
      refuse(request, "anonymize needs text and analyzer_results");
      return;
    }
    List<JsonObject> sorted = new ArrayList<>();
    found.forEach(r -> sorted.add((JsonObject) r));
    sorted.sort((a, b) -> Integer.compare(b.getInteger("start"), a.getInteger("start")));
    String out = text;
    JsonArray items = new JsonArray();
    for (JsonObject r : sorted) {
      String token = "<" + r.getString("entity_type") + ">";
      out = out.substring(0, r.getInteger("start")) + token + out.substring(r.getInteger("end"));
      items.add(new JsonObject().put("operator", "replace").put("entity_type", r.getString("entity_type"))
          .put("start", r.getInteger("start")).put("end", r.getInteger("start") + token.length()).put("text", token));
    }
    json(request, new JsonObject().put("text", out).put("items", items));
  }

  private void moderation(HttpServerRequest request, JsonObject body) {
    if (!(body.getValue("input") instanceof String input) || !(body.getValue("model") instanceof String)) {
      refuse(request, "moderations needs input and model");
      return;
    }
    if (!("Bearer " + KEY).equals(request.getHeader("authorization"))) {
      request.response().setStatusCode(401).end();
      return;
    }
    boolean violent = input.contains("kill");
    json(request, new JsonObject().put("id", "modr-1").put("model", body.getString("model")).put("results",
        new JsonArray().add(new JsonObject().put("flagged", violent)
            .put("categories", new JsonObject().put("violence", violent).put("hate", false))
            .put("category_scores", new JsonObject().put("violence", violent ? 0.98 : 0.01).put("hate", 0.0)))));
  }

  private void lakera(HttpServerRequest request, JsonObject body) {
    if (!(body.getValue("messages") instanceof JsonArray messages) || messages.isEmpty()
        || messages.stream().anyMatch(m -> !(m instanceof JsonObject o) || !(o.getValue("role") instanceof String)
            || !(o.getValue("content") instanceof String))) {
      refuse(request, "v2/guard needs messages of role and content");
      return;
    }
    if (!("Bearer " + KEY).equals(request.getHeader("authorization"))) {
      request.response().setStatusCode(401).end();
      return;
    }
    JsonArray payload = new JsonArray();
    JsonArray breakdown = new JsonArray();
    boolean injection = false;
    for (int i = 0; i < messages.size(); i++) {
      String content = messages.getJsonObject(i).getString("content");
      injection |= content.contains("ignore previous instructions");
      Matcher m = EMAIL.matcher(content);
      while (m.find()) {
        payload.add(new JsonObject().put("start", m.start()).put("end", m.end()).put("text", m.group())
            .put("detector_type", "pii/email").put("labels", new JsonArray()).put("message_id", i));
      }
    }
    breakdown.add(new JsonObject().put("project_id", "p").put("policy_id", "x").put("detector_id", "d1")
        .put("detector_type", "prompt_attack").put("detected", injection));
    breakdown.add(new JsonObject().put("project_id", "p").put("policy_id", "x").put("detector_id", "d2")
        .put("detector_type", "pii/email").put("detected", !payload.isEmpty()));
    json(request, new JsonObject().put("flagged", injection || !payload.isEmpty()).put("payload", payload)
        .put("breakdown", breakdown).put("metadata", new JsonObject().put("request_uuid", "r-1")));
  }

  private void aporia(HttpServerRequest request, JsonObject body) {
    String target = body.getString("validation_target");
    boolean prompt = "prompt".equals(target) && body.getValue("messages") instanceof JsonArray;
    boolean response = "response".equals(target) && body.getValue("response") instanceof String;
    if (!prompt && !response) {
      refuse(request, "validate needs messages (prompt) or response (response)");
      return;
    }
    if (!KEY.equals(request.getHeader("X-APORIA-API-KEY"))) {
      request.response().setStatusCode(401).end();
      return;
    }
    String action = body.encode().contains("BLOCKME") ? "block" : "passthrough";
    json(request, new JsonObject().put("action", action).put("revised_response", (Object) null)
        .put("explain_log", new JsonArray()).put("policy_execution_result", new JsonObject()));
  }
}
