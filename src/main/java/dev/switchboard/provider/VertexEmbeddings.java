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
 * OpenAI's /embeddings as Vertex AI's text-embedding {@code :predict}: one instance per input
 * text, {@code dimensions} as outputDimensionality; the vectors back as OpenAI's list, the prompt
 * tokens summed from each prediction's {@code statistics.token_count}.
 */
final class VertexEmbeddings {

  private static final Set<String> TRANSLATED = Set.of("model", "input", "dimensions", "encoding_format", "user");

  private VertexEmbeddings() {
  }

  static JsonObject predictRequest(Deployment deployment, JsonObject openAi) {
    OpenAiBodies.refuseUntranslated(deployment, openAi, TRANSLATED);
    Object input = openAi.getValue("input");
    JsonArray texts = input instanceof JsonArray list ? list : new JsonArray().add(input);
    JsonArray instances = new JsonArray();
    for (int i = 0; i < texts.size(); i++) {
      if (!(texts.getValue(i) instanceof String text)) {
        throw GatewayError.badRequest("input", "Vertex AI embeds text only: 'input' must be a string or a list of "
            + "strings, not token ids.");
      }
      instances.add(new JsonObject().put("content", text));
    }
    JsonObject out = new JsonObject().put("instances", instances);
    if (openAi.getValue("dimensions") instanceof Number dimensions) {
      out.put("parameters", new JsonObject().put("outputDimensionality", dimensions.intValue()));
    }
    return out;
  }

  static Answer answer(Deployment deployment, JsonObject response) {
    if (!(response.getValue("predictions") instanceof JsonArray predictions)) {
      throw GatewayError.of(ErrorClass.API_CONNECTION, "upstream_invalid_response", "The provider answered "
          + deployment.describe() + " with something that is not a Vertex AI predictions answer.");
    }
    JsonArray data = new JsonArray();
    long tokens = 0;
    for (int i = 0; i < predictions.size(); i++) {
      JsonObject embeddings = predictions.getValue(i) instanceof JsonObject p && p.getValue("embeddings") instanceof JsonObject e
          ? e : new JsonObject();
      data.add(new JsonObject().put("object", "embedding").put("index", i)
          .put("embedding", embeddings.getJsonArray("values", new JsonArray())));
      if (embeddings.getValue("statistics") instanceof JsonObject statistics
          && statistics.getValue("token_count") instanceof Number count) {
        tokens += count.longValue();
      }
    }
    JsonObject list = new JsonObject().put("object", "list").put("data", data).put("model", deployment.upstreamModel())
        .put("usage", new JsonObject().put("prompt_tokens", tokens).put("total_tokens", tokens));
    return new Answer(list.toBuffer(), new Usage(tokens, 0, tokens, 0));
  }
}
