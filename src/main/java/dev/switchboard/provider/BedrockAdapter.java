package dev.switchboard.provider;

import dev.switchboard.model.Answer;
import dev.switchboard.model.Deployment;
import dev.switchboard.model.MediaCalls;
import dev.switchboard.model.Operation;
import dev.switchboard.model.ProviderAdapter;
import dev.switchboard.model.StreamFormat;
import dev.switchboard.model.StreamTranslator;
import dev.switchboard.model.UpstreamRequest;
import dev.switchboard.model.Usage;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * AWS Bedrock behind OpenAI's chat (and Anthropic's messages, by way of {@link MessagesBridge})
 * through the Converse API: {@code {endpoint}/model/{model id}/converse} and
 * {@code /converse-stream} (AWS event-stream framing), SigV4-signed ({@link BedrockSigner}).
 * {@code bedrock/converse/<model id>} names the same route as {@code bedrock/<model id>}. Titan
 * embedding models embed through InvokeModel ({@link BedrockEmbeddings}).
 */
final class BedrockAdapter implements ProviderAdapter {

  static final BedrockAdapter INSTANCE = new BedrockAdapter();
  static final String EVENT_STREAM = "application/vnd.amazon.eventstream";

  private BedrockAdapter() {
  }

  @Override
  public UpstreamRequest request(Operation operation, Deployment deployment, JsonObject body, boolean stream,
      MultiMap clientHeaders) {
    String endpoint = DeploymentValues.require(deployment, deployment.apiBase(), "api_base");
    String model = endpoint + "/model/" + URLEncoder.encode(modelId(deployment), StandardCharsets.UTF_8);
    if (operation == Operation.EMBEDDING) {
      return signed(deployment, model + "/invoke", BedrockEmbeddings.invokeBody(deployment, modelId(deployment), body), false);
    }
    JsonObject chat = operation == Operation.MESSAGES ? MessagesBridge.toOpenAiChat(body) : body;
    String url = model + (stream ? "/converse-stream" : "/converse");
    return signed(deployment, url, BedrockRequests.converse(deployment, chat), stream);
  }

  private static UpstreamRequest signed(Deployment deployment, String url, JsonObject body, boolean stream) {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap()
        .set(HttpHeaders.CONTENT_TYPE, "application/json")
        .set(HttpHeaders.ACCEPT, stream ? EVENT_STREAM : "application/json");
    byte[] bytes = body.toBuffer().getBytes();
    BedrockSigner.sign(deployment, url, headers, bytes);
    return new UpstreamRequest(url, headers, Buffer.buffer(bytes), false);
  }

  /** The model id (or inference profile ARN) without LiteLLM's route prefix. */
  static String modelId(Deployment deployment) {
    String model = deployment.upstreamModel();
    return model.startsWith("converse/") ? model.substring("converse/".length()) : model;
  }

  @Override
  public Answer answer(Operation operation, Deployment deployment, Buffer body) {
    JsonObject response = BedrockAnswers.readable(deployment, body);
    if (operation == Operation.EMBEDDING) {
      return new Answer(BedrockEmbeddings.list(deployment, response).toBuffer(), BedrockEmbeddings.usage(response));
    }
    JsonObject completion = BedrockAnswers.completion(deployment, response);
    Usage usage = BedrockAnswers.usage(response.getJsonObject("usage"));
    if (operation == Operation.MESSAGES) {
      return new Answer(MessagesBridge.toAnthropicMessage(completion, usage, deployment.modelGroup()).toBuffer(), usage);
    }
    return new Answer(completion.toBuffer(), usage);
  }

  @Override
  public StreamTranslator stream(Operation operation, Deployment deployment, UpstreamRequest request,
      boolean clientWantsUsage) {
    if (operation == Operation.MESSAGES) {
      return new GeminiAdapter.Chained(new BedrockStream(deployment, true), new OpenAiToAnthropicStream(deployment));
    }
    return new BedrockStream(deployment, clientWantsUsage);
  }

  @Override
  public StreamFormat streamFormat() {
    return StreamFormat.EVENT_STREAM;
  }

  @Override
  public boolean supports(Operation operation) {
    return operation != Operation.COMPLETION && !MediaCalls.is(operation);
  }
}
