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
 * Microsoft Presidio ({@code guardrail: presidio}), as LiteLLM calls it: each text goes to the
 * analyzer ({@code POST <presidio_analyzer_api_base>/analyze {text, language, entities}}, answered
 * with a list of {@code {entity_type, start, end, score}}); an entity whose
 * {@code pii_entities_config} action is {@code BLOCK} refuses the text, the others (all of them when
 * no config is set) go to the anonymizer ({@code POST <presidio_anonymizer_api_base>/anonymize
 * {text, analyzer_results}}, answered with {@code {text, items}}) and its text replaces the original.
 * With {@code output_parse_pii} the prompt gets numbered tokens instead ({@code <EMAIL_ADDRESS_1>},
 * no anonymizer call) and the answer gets the originals back: it runs post_call too, as in LiteLLM.
 * Fails closed, as LiteLLM's does: an unreachable or failing service refuses the text. Only an
 * analyzer's unreadable answer passes, logged, when no entities are configured (LiteLLM's rule).
 */
final class Presidio implements GuardService {

  private static final java.util.logging.Logger LOG = java.util.logging.Logger.getLogger(Presidio.class.getName());

  private final ServiceClient client;
  private final String analyzeUrl;
  private final String anonymizeUrl;
  private final String language;
  private final Map<String, String> actions;
  private final Map<String, Double> thresholds;
  private final boolean outputParsePii;
  private final long timeout;

  private Presidio(ServiceClient client, String analyzeUrl, String anonymizeUrl, String language,
      Map<String, String> actions, Map<String, Double> thresholds, boolean outputParsePii, long timeout) {
    this.outputParsePii = outputParsePii;
    this.client = client;
    this.analyzeUrl = analyzeUrl;
    this.anonymizeUrl = anonymizeUrl;
    this.language = language;
    this.actions = actions;
    this.thresholds = thresholds;
    this.timeout = timeout;
  }

  static Presidio of(Params params, ServiceClient client) {
    String analyzer = Params.base(params.require("presidio_analyzer_api_base", "PRESIDIO_ANALYZER_API_BASE"));
    String anonymizer = Params.base(params.require("presidio_anonymizer_api_base", "PRESIDIO_ANONYMIZER_API_BASE"));
    if (params.bool("apply_to_output", false)) {
      throw new IllegalArgumentException("apply_to_output is not supported yet; use mode: post_call for answers");
    }
    Map<String, String> actions = new java.util.LinkedHashMap<>();
    params.map("pii_entities_config").forEach(e -> {
      String action = String.valueOf(e.getValue()).trim().toUpperCase(Locale.ROOT);
      if (!action.equals("MASK") && !action.equals("BLOCK")) {
        throw new IllegalArgumentException("pii_entities_config." + e.getKey() + " must be MASK or BLOCK, got '"
            + e.getValue() + "'");
      }
      actions.put(e.getKey(), action);
    });
    Map<String, Double> thresholds = new java.util.LinkedHashMap<>();
    params.map("presidio_score_thresholds").forEach(e -> {
      try {
        thresholds.put(e.getKey(), Double.parseDouble(String.valueOf(e.getValue())));
      } catch (NumberFormatException bad) {
        throw new IllegalArgumentException("presidio_score_thresholds." + e.getKey() + " must be a number");
      }
    });
    String language = params.string("presidio_language");
    return new Presidio(client, analyzer + "/analyze", anonymizer + "/anonymize", language == null ? "en" : language,
        Map.copyOf(actions), Map.copyOf(thresholds), params.bool("output_parse_pii", false), params.timeoutMillis());
  }

  @Override
  public boolean failOpen() {
    return false;
  }

  @Override
  public boolean checksAnswers() {
    return outputParsePii;
  }

  @Override
  public Future<Outcome> check(Subject subject) {
    if (subject.answer() && outputParsePii) {
      return Future.succeededFuture(unmask(subject));
    }
    List<Future<Checked>> each = new ArrayList<>();
    for (String text : subject.texts()) {
      each.add(text.isBlank() ? Future.succeededFuture(new Checked(text, List.of(), null))
          : one(text, outputParsePii ? subject.piiTokens() : null, subject.extraBody()));
    }
    return Future.all(each).map(all -> {
      List<String> texts = new ArrayList<>();
      Set<String> findings = new LinkedHashSet<>();
      boolean changed = false;
      for (int i = 0; i < each.size(); i++) {
        Checked checked = each.get(i).result();
        findings.addAll(checked.entities());
        if (checked.blocked() != null) {
          return Outcome.block("Blocked PII entity detected: " + checked.blocked(), List.copyOf(findings));
        }
        changed |= !checked.text().equals(subject.texts().get(i));
        texts.add(checked.text());
      }
      return changed ? Outcome.replaced(texts, List.copyOf(findings)) : Outcome.noted(List.copyOf(findings));
    });
  }

  /** One text after Presidio: its masked text, the entities found, the first one that blocks. */
  private record Checked(String text, List<String> entities, String blocked) {
  }

  /** {@code tokens}: with {@code output_parse_pii}, where numbered tokens and their originals go. */
  private Future<Checked> one(String text, Map<String, String> tokens, JsonObject extraBody) {
    JsonObject analyze = new JsonObject().put("text", text).put("language", language);
    if (!actions.isEmpty()) {
      analyze.put("entities", new JsonArray(new ArrayList<>(actions.keySet())));
    }
    analyze.mergeIn(extraBody); // the request's dynamic params, as LiteLLM adds them
    return client.post(analyzeUrl, Map.of(), analyze, timeout).compose(reply -> {
      List<JsonObject> found = results(reply);
      List<String> entities = new ArrayList<>();
      JsonArray masked = new JsonArray();
      for (JsonObject result : found) {
        String entity = result.getString("entity_type", "PII");
        entities.add(entity);
        if ("BLOCK".equals(actions.get(entity))) {
          return Future.succeededFuture(new Checked(text, entities, entity));
        }
        masked.add(result);
      }
      if (masked.isEmpty()) {
        return Future.succeededFuture(new Checked(text, entities, null));
      }
      if (tokens != null) {
        return Future.succeededFuture(new Checked(numbered(text, masked, tokens), entities, null));
      }
      JsonObject anonymize = new JsonObject().put("text", text).put("analyzer_results", masked);
      return client.post(anonymizeUrl, Map.of(), anonymize, timeout).map(answer -> {
        if (answer.status() != 200 || !(answer.json() instanceof JsonObject json)
            || !(json.getValue("text") instanceof String out)) {
          throw new ServiceException(anonymizeUrl + " answered " + answer.status() + " without a text");
        }
        return new Checked(out, entities, null);
      });
    });
  }

  /**
   * LiteLLM's {@code output_parse_pii} masking: each finding becomes a numbered token
   * ({@code <EMAIL_ADDRESS_1>}) by the analyzer's offsets, its original kept for the answer. Numbered
   * across the request, so two texts never share a token.
   */
  private static String numbered(String text, JsonArray found, Map<String, String> tokens) {
    List<JsonObject> spans = new ArrayList<>();
    found.forEach(item -> spans.add((JsonObject) item));
    spans.sort((a, b) -> Integer.compare(a.getInteger("start"), b.getInteger("start")));
    StringBuilder out = new StringBuilder();
    int at = 0;
    synchronized (tokens) {
      for (JsonObject span : spans) {
        int start = Math.max(at, Math.min(span.getInteger("start"), text.length()));
        int end = Math.min(span.getInteger("end"), text.length());
        if (end <= start) {
          continue; // overlaps one already replaced
        }
        String token = "<" + span.getString("entity_type") + "_" + (tokens.size() + 1) + ">";
        tokens.put(token, text.substring(start, end));
        out.append(text, at, start).append(token);
        at = end;
      }
    }
    return out.append(text.substring(at)).toString();
  }

  /** The answer with this request's tokens put back. */
  private static Outcome unmask(Subject subject) {
    List<String> out = new ArrayList<>();
    boolean changed = false;
    for (String text : subject.texts()) {
      String back = text;
      for (Map.Entry<String, String> token : subject.piiTokens().entrySet()) {
        back = back.replace(token.getKey(), token.getValue());
      }
      changed |= !back.equals(text);
      out.add(back);
    }
    return changed ? Outcome.replaced(out, List.of()) : Outcome.PASS;
  }

  /** The analyzer's findings above their score thresholds; see the class comment for an unreadable answer. */
  private List<JsonObject> results(ServiceClient.Reply reply) {
    if (reply.status() != 200 || !(reply.json() instanceof JsonArray list)) {
      if (!actions.isEmpty()) {
        throw new ServiceException(analyzeUrl + " answered " + reply.status() + " without a list of results");
      }
      LOG.warning("Presidio analyzer " + analyzeUrl + " answered " + reply.status()
          + " without a list of results; passing the text, as no pii_entities_config is set");
      return List.of();
    }
    List<JsonObject> out = new ArrayList<>();
    for (Object item : list) {
      if (item instanceof JsonObject result && result.getValue("entity_type") instanceof String entity
          && result.getValue("start") instanceof Number && result.getValue("end") instanceof Number) {
        Double threshold = thresholds.getOrDefault(entity, thresholds.get("ALL"));
        double score = result.getValue("score") instanceof Number n ? n.doubleValue() : 1.0;
        if (threshold == null || score >= threshold) {
          out.add(result);
        }
      }
    }
    return out;
  }
}
