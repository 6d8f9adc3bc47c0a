package dev.switchboard.ingress;

import dev.switchboard.errors.GatewayError;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * A rerank body in Cohere's shape, as LiteLLM takes it: {@code query}, {@code documents} (strings
 * or objects), and the optional {@code top_n}, {@code return_documents} and {@code rank_fields}.
 * Refused here, naming the field, before the request counts against any limit.
 */
final class RerankShapes {

  private RerankShapes() {
  }

  /** @throws GatewayError 400 naming the first field that is missing or of the wrong type */
  static void check(JsonObject body) {
    if (!(body.getValue("query") instanceof String query) || query.isEmpty()) {
      throw GatewayError.badRequest("query", body.getValue("query") == null
          ? "Missing required field 'query': the text to rank the documents against."
          : "'query' must be a non-empty string.");
    }
    if (!(body.getValue("documents") instanceof JsonArray documents) || documents.isEmpty()) {
      throw GatewayError.badRequest("documents", body.getValue("documents") == null
          ? "Missing required field 'documents': a list of strings or objects to rank."
          : "'documents' must be a non-empty list of strings or objects.");
    }
    for (int i = 0; i < documents.size(); i++) {
      Object document = documents.getValue(i);
      if (!(document instanceof String) && !(document instanceof JsonObject)) {
        throw GatewayError.badRequest("documents[" + i + "]", "documents[" + i + "] must be a string or an object.");
      }
    }
    Object topN = body.getValue("top_n");
    if (topN != null && (!(topN instanceof Number n) || n.doubleValue() != Math.floor(n.doubleValue()) || n.longValue() < 1)) {
      throw GatewayError.badRequest("top_n", "'top_n' must be a whole number of at least 1.");
    }
    Object returnDocuments = body.getValue("return_documents");
    if (returnDocuments != null && !(returnDocuments instanceof Boolean)) {
      throw GatewayError.badRequest("return_documents", "'return_documents' must be true or false.");
    }
    Object rankFields = body.getValue("rank_fields");
    if (rankFields != null && !(rankFields instanceof JsonArray)) {
      throw GatewayError.badRequest("rank_fields", "'rank_fields' must be a list of field names.");
    }
  }
}
