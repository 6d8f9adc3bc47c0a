package dev.switchboard.provider;

import dev.switchboard.errors.ErrorClass;
import dev.switchboard.errors.GatewayError;
import dev.switchboard.model.Answer;
import dev.switchboard.model.Deployment;
import dev.switchboard.model.Usage;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Set;

/**
 * OpenAI's /embeddings as Cohere's v2 /embed: the texts in one request, {@code input_type}
 * {@code search_document} unless the client names another (as LiteLLM defaults it), float vectors
 * back as OpenAI's list with Cohere's billed input tokens as usage.
 */
final class CohereEmbeddings {

  static final String DEFAULT_INPUT_TYPE = "search_document";
  private static final Set<String> TRANSLATED = Set.of("model", "input", "dimensions", "encoding_format", "user", "input_type");

  private CohereEmbeddings() {
  }

  static JsonObject request(Deployment deployment, JsonObject openAi) {
    OpenAiBodies.refuseUntranslated(deployment, openAi, TRANSLATED);
    Object input = openAi.getValue("input");
    JsonArray texts = input instanceof JsonArray list ? list : new JsonArray().add(input);
    for (int i = 0; i < texts.size(); i++) {
      if (!(texts.getValue(i) instanceof String)) {
        throw GatewayError.badRequest("input", "Cohere embeds text only: 'input' must be a string or a list of "
            + "strings, not token ids.");
      }
    }
    JsonObject out = new JsonObject().put("model", deployment.upstreamModel()).put("texts", texts.copy())
        .put("input_type", openAi.getValue("input_type") instanceof String type ? type : DEFAULT_INPUT_TYPE)
        .put("embedding_types", new JsonArray().add("float"));
    if (openAi.getValue("dimensions") instanceof Number dimensions) {
      out.put("output_dimension", dimensions.intValue());
    }
    return out;
  }

  static Answer answer(Deployment deployment, JsonObject response) {
    if (!(response.getValue("embeddings") instanceof JsonObject embeddings)
        || !(embeddings.getValue("float") instanceof JsonArray vectors)) {
      throw GatewayError.of(ErrorClass.API_CONNECTION, "upstream_invalid_response", "The provider answered "
          + deployment.describe() + " with something that is not a Cohere embeddings answer.");
    }
    JsonArray data = new JsonArray();
    for (int i = 0; i < vectors.size(); i++) {
      data.add(new JsonObject().put("object", "embedding").put("index", i).put("embedding", vectors.getValue(i)));
    }
    long tokens = response.getValue("meta") instanceof JsonObject meta && meta.getValue("billed_units") instanceof JsonObject billed
        ? CohereAnswers.count(billed, "input_tokens") : 0;
    JsonObject list = new JsonObject().put("object", "list").put("data", data).put("model", deployment.upstreamModel())
        .put("usage", new JsonObject().put("prompt_tokens", tokens).put("total_tokens", tokens));
    return new Answer(list.toBuffer(), new Usage(tokens, 0, tokens, 0));
  }
}
