package dev.switchboard.provider;

import dev.switchboard.errors.ErrorClass;
import dev.switchboard.errors.GatewayError;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.UUID;

/**
 * The rerank API of vLLM and the servers that copy it (Jina's and Cohere's v1 shape, documents
 * given back as {@code {text}} or, Jina's, as a string), as LiteLLM's {@code hosted_vllm/} calls it:
 * {@code {api_base}/rerank} with the request's rerank fields as they came, and the answer read into
 * Cohere's shape, the token count in {@code meta}. Jina AI's {@code /v1/rerank} answers the same way.
 */
final class VllmRerank {

  /** What LiteLLM forwards to vLLM; the rest of a client body (metadata, user) stays at the gateway. */
  private static final List<String> FIELDS = List.of("query", "documents", "top_n", "rank_fields", "return_documents",
      "max_tokens_per_doc", "instruction", "truncate_prompt_tokens", "truncation_side", "max_tokens_per_query");

  private VllmRerank() {
  }

  /** As LiteLLM builds it: an api_base ending in {@code /rerank} (or the old {@code /v1/rerank}) is kept as the endpoint. */
  static String url(String apiBase) {
    String base = apiBase.replaceAll("/+$", "");
    if (base.endsWith("/v1/rerank")) {
      return base.substring(0, base.length() - "/v1/rerank".length()) + "/rerank";
    }
    return base.endsWith("/rerank") ? base : base + "/rerank";
  }

  static JsonObject request(String model, JsonObject rerank) {
    JsonObject out = new JsonObject().put("model", model);
    for (String field : FIELDS) {
      if (rerank.getValue(field) != null) {
        out.put(field, rerank.getValue(field));
      }
    }
    // LiteLLM's rerank() defaults return_documents to true and sends it.
    if (!out.containsKey("return_documents")) {
      out.put("return_documents", true);
    }
    return out;
  }

  /** @throws GatewayError 502 when the answer has no results with an index and a score */
  static JsonObject answer(JsonObject answer) {
    if (!(answer.getValue("results") instanceof JsonArray results)) {
      throw notRerank();
    }
    JsonArray out = new JsonArray();
    for (Object item : results) {
      if (!(item instanceof JsonObject result) || !(result.getValue("index") instanceof Number index)
          || !(result.getValue("relevance_score") instanceof Number score)) {
        throw notRerank();
      }
      JsonObject ranked = new JsonObject().put("index", index.intValue()).put("relevance_score", score.doubleValue());
      if (result.getValue("document") instanceof JsonObject document && document.getValue("text") != null) {
        ranked.put("document", new JsonObject().put("text", String.valueOf(document.getValue("text"))));
      } else if (result.getValue("document") instanceof String text) {
        ranked.put("document", new JsonObject().put("text", text));
      }
      out.add(ranked);
    }
    long tokens = tokens(answer);
    JsonObject meta = new JsonObject().put("billed_units", new JsonObject().put("total_tokens", tokens))
        .put("tokens", new JsonObject().put("input_tokens", tokens));
    String id = answer.getValue("id") instanceof String given && !given.isEmpty() ? given : UUID.randomUUID().toString();
    return new JsonObject().put("id", id).put("results", out).put("meta", meta);
  }

  /** The tokens the server read: vLLM's {@code usage.total_tokens}, or a Cohere-style {@code meta}. */
  static long tokens(JsonObject answer) {
    if (answer.getValue("meta") instanceof JsonObject meta) {
      if (meta.getValue("billed_units") instanceof JsonObject billed && billed.getValue("total_tokens") instanceof Number n) {
        return n.longValue();
      }
      if (meta.getValue("tokens") instanceof JsonObject tokens && tokens.getValue("input_tokens") instanceof Number n) {
        return n.longValue();
      }
    }
    return answer.getValue("usage") instanceof JsonObject usage && usage.getValue("total_tokens") instanceof Number n
        ? n.longValue() : 0;
  }

  private static GatewayError notRerank() {
    return GatewayError.of(ErrorClass.API_CONNECTION, "upstream_invalid_response",
        "The provider answered a rerank request with something that is not a rerank answer (results with index and relevance_score).");
  }
}
