package dev.switchboard.provider;

import dev.switchboard.errors.ErrorClass;
import dev.switchboard.errors.GatewayError;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * A rerank request (Cohere's and LiteLLM's /rerank shape: model, query, documents, top_n) as
 * Cohere's v2 {@code POST /v2/rerank}, and its answer back. For the rerank endpoint to call; the
 * endpoint itself lives elsewhere. Documents may be strings or objects with {@code text} (v2
 * takes strings only); the answer keeps Cohere's shape, which is the one LiteLLM returns, with
 * each result's document added back when {@code return_documents} asked for it.
 */
public final class CohereRerank {

  /** Cohere's rerank path under the host. */
  public static final String PATH = "/v2/rerank";

  private CohereRerank() {
  }

  /**
   * @param model the model as Cohere names it (rerank-v3.5)
   * @throws GatewayError 400 when the query or documents are missing or not text
   */
  public static JsonObject request(String model, JsonObject rerank) {
    if (!(rerank.getValue("query") instanceof String query) || query.isEmpty()) {
      throw GatewayError.badRequest("query", "'query' must be a non-empty string.");
    }
    if (!(rerank.getValue("documents") instanceof JsonArray documents) || documents.isEmpty()) {
      throw GatewayError.badRequest("documents", "'documents' must be a non-empty list.");
    }
    JsonArray rankFields = rerank.getValue("rank_fields") instanceof JsonArray fields && !fields.isEmpty() ? fields : null;
    JsonObject out = new JsonObject().put("model", model).put("query", query).put("documents", texts(documents, rankFields));
    if (rerank.getValue("top_n") instanceof Number topN) {
      out.put("top_n", topN.intValue());
    }
    if (rerank.getValue("max_tokens_per_doc") instanceof Number max) {
      out.put("max_tokens_per_doc", max.intValue());
    }
    return out;
  }

  /**
   * Each document as the text v2 ranks. With {@code rank_fields}, an object document is ranked by those
   * fields: v2 takes no objects and no rank_fields, and asks for structured documents as YAML strings,
   * so it becomes one "field: value" line per named field it has, in the order named.
   */
  private static JsonArray texts(JsonArray documents, JsonArray rankFields) {
    JsonArray texts = new JsonArray();
    for (int i = 0; i < documents.size(); i++) {
      Object document = documents.getValue(i);
      if (document instanceof String text) {
        texts.add(text);
      } else if (document instanceof JsonObject object && rankFields != null) {
        StringBuilder yaml = new StringBuilder();
        for (Object field : rankFields) {
          Object value = field instanceof String name ? object.getValue(name) : null;
          if (value != null) {
            yaml.append(yaml.length() == 0 ? "" : "\n").append(field).append(": ")
                .append(value instanceof String text ? text : Json.encode(value));
          }
        }
        if (yaml.length() == 0) {
          throw GatewayError.badRequest("documents[" + i + "]", "documents[" + i + "] has none of the rank_fields " + rankFields.encode() + ".");
        }
        texts.add(yaml.toString());
      } else if (document instanceof JsonObject object && object.getValue("text") instanceof String text) {
        texts.add(text);
      } else {
        throw GatewayError.badRequest("documents[" + i + "]", "documents[" + i + "] must be a string or {\"text\": ...}.");
      }
    }
    return texts;
  }

  /**
   * @param request the client's rerank request, for its documents and return_documents
   * @throws GatewayError 502 when the answer is not Cohere's
   */
  public static JsonObject answer(JsonObject request, JsonObject cohere) {
    if (!(cohere.getValue("results") instanceof JsonArray results)) {
      throw GatewayError.of(ErrorClass.API_CONNECTION, "upstream_invalid_response",
          "The provider answered a rerank request with something that is not a Cohere rerank answer.");
    }
    boolean withDocuments = Boolean.TRUE.equals(request.getValue("return_documents"));
    JsonArray documents = request.getValue("documents") instanceof JsonArray given
        ? texts(given, request.getValue("rank_fields") instanceof JsonArray fields && !fields.isEmpty() ? fields : null)
        : new JsonArray();
    JsonArray out = new JsonArray();
    for (Object item : results) {
      if (item instanceof JsonObject result && result.getValue("index") instanceof Number index) {
        JsonObject ranked = new JsonObject().put("index", index.intValue())
            .put("relevance_score", result.getValue("relevance_score") instanceof Number score ? score.doubleValue() : 0.0);
        if (withDocuments && index.intValue() >= 0 && index.intValue() < documents.size()) {
          ranked.put("document", new JsonObject().put("text", documents.getString(index.intValue())));
        }
        out.add(ranked);
      }
    }
    JsonObject meta = new JsonObject().put("billed_units", new JsonObject().put("search_units", searchUnits(cohere)));
    return new JsonObject().put("id", cohere.getValue("id") instanceof String id ? id : null).put("results", out)
        .put("meta", meta);
  }

  /** What Cohere bills a rerank by: search units (one per query of up to 100 documents). */
  public static long searchUnits(JsonObject cohere) {
    return cohere.getValue("meta") instanceof JsonObject meta && meta.getValue("billed_units") instanceof JsonObject billed
        && billed.getValue("search_units") instanceof Number units ? units.longValue() : 0;
  }
}
