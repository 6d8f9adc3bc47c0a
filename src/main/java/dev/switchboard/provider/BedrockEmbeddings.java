package dev.switchboard.provider;

import dev.switchboard.errors.GatewayError;
import dev.switchboard.model.Deployment;
import dev.switchboard.model.Usage;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * OpenAI embeddings through Titan's InvokeModel ({@code POST /model/amazon.titan-embed-*}/invoke):
 * {@code {inputText, dimensions}} → {@code {embedding, inputTextTokenCount}}. Titan embeds one text
 * a call, so a request carries one input.
 */
final class BedrockEmbeddings {

  private BedrockEmbeddings() {
  }

  static boolean titan(String modelId) {
    return modelId.startsWith("amazon.titan-embed");
  }

  static JsonObject invokeBody(Deployment deployment, String modelId, JsonObject openAi) {
    if (!titan(modelId)) {
      throw GatewayError.badRequest("model", "Model '" + deployment.modelGroup() + "' is served by bedrock/" + modelId
          + ": the gateway serves Bedrock embeddings for amazon.titan-embed-* models only.");
    }
    Object input = openAi.getValue("input");
    if (input instanceof JsonArray list && list.size() == 1 && list.getValue(0) instanceof String one) {
      input = one;
    }
    if (!(input instanceof String text)) {
      throw GatewayError.badRequest("input", "Titan embeds one text per call: send 'input' as one string "
          + "(or a list of one) to " + deployment.describe() + ".");
    }
    JsonObject body = new JsonObject().put("inputText", text);
    if (openAi.getValue("dimensions") instanceof Number dimensions) {
      body.put("dimensions", dimensions.intValue());
    }
    return body;
  }

  static JsonObject list(Deployment deployment, JsonObject response) {
    Usage usage = usage(response);
    return new JsonObject()
        .put("object", "list")
        .put("data", new JsonArray().add(new JsonObject().put("object", "embedding").put("index", 0)
            .put("embedding", response.getValue("embedding") instanceof JsonArray vector ? vector : new JsonArray())))
        .put("model", BedrockAdapter.modelId(deployment))
        .put("usage", new JsonObject().put("prompt_tokens", usage.promptTokens()).put("total_tokens", usage.totalTokens()));
  }

  static Usage usage(JsonObject response) {
    long tokens = response.getValue("inputTextTokenCount") instanceof Number n ? n.longValue() : 0;
    return new Usage(tokens, 0, tokens, 0);
  }
}
