package dev.switchboard.provider;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.switchboard.errors.GatewayError;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** A rerank request as Cohere's v2 /rerank takes it, and its answer back in the shape LiteLLM returns. */
class CohereRerankTest {

  private static final JsonObject REQUEST = new JsonObject().put("model", "rerank").put("query", "capital of France?")
      .put("documents", new JsonArray().add("Paris is the capital.").add(new JsonObject().put("text", "Lyon is big.")))
      .put("top_n", 2).put("return_documents", true);

  @Test
  void the_request_names_the_upstream_model_and_sends_documents_as_strings() {
    JsonObject cohere = CohereRerank.request("rerank-v3.5", REQUEST);
    assertEquals(new JsonObject().put("model", "rerank-v3.5").put("query", "capital of France?")
        .put("documents", new JsonArray().add("Paris is the capital.").add("Lyon is big.")).put("top_n", 2), cohere);
  }

  /** Cohere's v2 takes no objects and no rank_fields: an object is ranked by the named fields, as YAML lines. */
  @Test
  void rank_fields_turn_object_documents_into_yaml_lines_of_those_fields() {
    JsonObject request = new JsonObject().put("model", "rerank").put("query", "cheap flights")
        .put("documents", new JsonArray().add(new JsonObject().put("title", "Paris deals").put("price", 99).put("id", "a"))
            .add("plain text").add(new JsonObject().put("price", 10)))
        .put("rank_fields", new JsonArray().add("title").add("price"));
    JsonObject cohere = CohereRerank.request("rerank-v3.5", request);
    assertEquals(new JsonArray().add("title: Paris deals\nprice: 99").add("plain text").add("price: 10"), cohere.getJsonArray("documents"));
    assertEquals(java.util.Set.of("model", "query", "documents"), cohere.fieldNames());
    GatewayError none = org.junit.jupiter.api.Assertions.assertThrows(GatewayError.class, () -> CohereRerank.request("rerank-v3.5",
        request.copy().put("documents", new JsonArray().add(new JsonObject().put("id", "b")))));
    assertEquals("documents[0]", none.param());
  }

  @Test
  void the_answer_keeps_index_and_score_and_adds_documents_when_asked() {
    JsonObject cohere = new JsonObject().put("id", "rr-1")
        .put("results", new JsonArray()
            .add(new JsonObject().put("index", 1).put("relevance_score", 0.2))
            .add(new JsonObject().put("index", 0).put("relevance_score", 0.9)))
        .put("meta", new JsonObject().put("billed_units", new JsonObject().put("search_units", 1)));
    JsonObject answer = CohereRerank.answer(REQUEST, cohere);
    assertEquals("rr-1", answer.getString("id"));
    JsonObject first = answer.getJsonArray("results").getJsonObject(0);
    assertEquals(1, first.getInteger("index"));
    assertEquals(0.2, first.getDouble("relevance_score"));
    assertEquals("Lyon is big.", first.getJsonObject("document").getString("text"));
    assertEquals(1, CohereRerank.searchUnits(cohere));
    assertEquals(1, answer.getJsonObject("meta").getJsonObject("billed_units").getInteger("search_units"));

    JsonObject bare = CohereRerank.answer(REQUEST.copy().put("return_documents", false), cohere);
    assertFalse(bare.getJsonArray("results").getJsonObject(0).containsKey("document"));
  }

  @Test
  void a_missing_query_or_document_that_is_not_text_is_a_bad_request() {
    GatewayError noQuery = assertThrows(GatewayError.class, () -> CohereRerank.request("rerank-v3.5",
        REQUEST.copy().put("query", "")));
    assertEquals(400, noQuery.status());
    GatewayError badDocument = assertThrows(GatewayError.class, () -> CohereRerank.request("rerank-v3.5",
        REQUEST.copy().put("documents", new JsonArray().add(42))));
    assertEquals(400, badDocument.status());
    assertThrows(GatewayError.class, () -> CohereRerank.answer(REQUEST, new JsonObject().put("message", "oops")));
  }
}
