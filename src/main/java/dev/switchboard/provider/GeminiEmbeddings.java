package dev.switchboard.provider;

import dev.switchboard.errors.ErrorClass;
import dev.switchboard.errors.GatewayError;
import dev.switchboard.model.Deployment;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Set;

/**
 * OpenAI's /embeddings as Gemini's batchEmbedContents: one request per input text, the vectors
 * back as OpenAI's list. Vectors are always floats, as LiteLLM returns them for Gemini: the
 * OpenAI SDKs that ask for base64 by default accept floats.
 */
final class GeminiEmbeddings {

  private static final Set<String> TRANSLATED = Set.of("model", "input", "dimensions", "encoding_format", "user");

  private GeminiEmbeddings() {
  }

  static JsonObject batchRequest(Deployment deployment, JsonObject openAi) {
    OpenAiBodies.refuseUntranslated(deployment, openAi, TRANSLATED);
    Object input = openAi.getValue("input");
    JsonArray texts = input instanceof JsonArray list ? list : new JsonArray().add(input);
    String model = "models/" + GeminiAdapter.modelName(deployment);
    JsonArray requests = new JsonArray();
    for (int i = 0; i < texts.size(); i++) {
      if (!(texts.getValue(i) instanceof String text)) {
        throw GatewayError.badRequest("input", "Gemini embeds text only: 'input' must be a string or a list of "
            + "strings, not token ids.");
      }
      JsonObject request = new JsonObject().put("model", model)
          .put("content", new JsonObject().put("parts", new JsonArray().add(new JsonObject().put("text", text))));
      if (openAi.getValue("dimensions") instanceof Number dimensions) {
        request.put("outputDimensionality", dimensions.intValue());
      }
      requests.add(request);
    }
    return new JsonObject().put("requests", requests);
  }

  /** Gemini reports no token counts for embeddings: usage is zero, as in LiteLLM's answer (spend charges the prompt's estimate). */
  static JsonObject list(Deployment deployment, JsonObject response) {
    if (!(response.getValue("embeddings") instanceof JsonArray embeddings)) {
      throw GatewayError.of(ErrorClass.API_CONNECTION, "upstream_invalid_response", "The provider answered "
          + deployment.describe() + " with something that is not a Gemini embeddings answer.");
    }
    JsonArray data = new JsonArray();
    for (int i = 0; i < embeddings.size(); i++) {
      JsonObject embedding = embeddings.getJsonObject(i);
      data.add(new JsonObject().put("object", "embedding").put("index", i)
          .put("embedding", embedding.getJsonArray("values", new JsonArray())));
    }
    return new JsonObject().put("object", "list").put("data", data).put("model", deployment.upstreamModel())
        .put("usage", new JsonObject().put("prompt_tokens", 0).put("total_tokens", 0));
  }
}
