package dev.switchboard.provider;

import dev.switchboard.config.VertexAuth;
import dev.switchboard.errors.GatewayError;
import dev.switchboard.model.Answer;
import dev.switchboard.model.Deployment;
import dev.switchboard.model.Operation;
import dev.switchboard.model.ProviderAdapter;
import dev.switchboard.model.StreamTranslator;
import dev.switchboard.model.UpstreamRequest;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.function.Function;

/**
 * Vertex AI: Gemini models at {@code .../publishers/google/models/{model}:generateContent} (the
 * same body and answers as Google AI Studio, so {@link GeminiAdapter}'s translation is reused),
 * Claude models at {@code .../publishers/anthropic/models/{model}:rawPredict} (Anthropic's Messages
 * body without {@code model}, with {@code anthropic_version: vertex-2023-10-16}; answers and
 * streams are Anthropic's), text embeddings at {@code :predict}. The bearer token comes from the
 * service account ({@link VertexAuthorizer}).
 */
final class VertexAdapter implements ProviderAdapter {

  static final VertexAdapter INSTANCE = new VertexAdapter();
  /** The default api_base: it stands for "the host of vertex_location", not a host to call as is. */
  static final String GLOBAL_HOST = "https://aiplatform.googleapis.com";
  static final String DEFAULT_LOCATION = "us-central1";
  static final String ANTHROPIC_VERSION = "vertex-2023-10-16";
  /** In the URL until the credentials name the project (no vertex_project given); {@link #authorize} fills it in. */
  static final String PROJECT_FROM_CREDENTIALS = "{project}";

  private VertexAdapter() {
  }

  static boolean isClaude(Deployment deployment) {
    return deployment.upstreamModel().startsWith("claude");
  }

  @Override
  public UpstreamRequest request(Operation operation, Deployment deployment, JsonObject body, boolean stream,
      MultiMap clientHeaders) {
    VertexAuthorizer.requireCredentials(deployment);
    MultiMap headers = OpenAiAdapter.headers(stream);
    if (isClaude(deployment)) {
      if (operation != Operation.CHAT && operation != Operation.MESSAGES) {
        throw GatewayError.badRequest("model", "Model '" + deployment.modelGroup() + "' is Claude on Vertex AI, which has no "
            + operation.path() + " endpoint. Use a model whose provider offers it.");
      }
      String beta = clientHeaders == null ? null : clientHeaders.get(AnthropicAdapter.BETA_HEADER);
      if (beta != null) {
        headers.set(AnthropicAdapter.BETA_HEADER, beta);
      }
      JsonObject messages = operation == Operation.MESSAGES
          ? AnthropicRequests.passthrough(deployment, body) : AnthropicRequests.messagesBody(deployment, body, stream);
      messages.remove("model");
      messages.put("anthropic_version", ANTHROPIC_VERSION);
      String url = modelUrl(deployment, "anthropic") + (stream ? ":streamRawPredict" : ":rawPredict");
      return new UpstreamRequest(url, headers, messages.toBuffer(), false);
    }
    if (operation == Operation.EMBEDDING) {
      return new UpstreamRequest(modelUrl(deployment, "google") + ":predict", headers,
          VertexEmbeddings.predictRequest(deployment, body).toBuffer(), false);
    }
    JsonObject chat = operation == Operation.MESSAGES ? MessagesBridge.toOpenAiChat(body) : body;
    String url = modelUrl(deployment, "google") + (stream ? ":streamGenerateContent?alt=sse" : ":generateContent");
    return new UpstreamRequest(url, headers, GeminiRequests.generateContent(deployment, chat).toBuffer(), false);
  }

  /** {@code {host}/v1/projects/{project}/locations/{location}/publishers/{publisher}/models/{model}}. */
  static String modelUrl(Deployment deployment, String publisher) {
    VertexAuth auth = deployment.vertexAuth();
    String project = DeploymentValues.require(deployment, auth.project(), "vertex_project");
    String location = DeploymentValues.require(deployment, auth.location(), "vertex_location");
    location = location == null || location.isBlank() ? DEFAULT_LOCATION : location.trim();
    String base = DeploymentValues.require(deployment, deployment.apiBase(), "api_base");
    if (GLOBAL_HOST.equals(base)) {
      base = "global".equals(location) ? GLOBAL_HOST : "https://" + location + "-aiplatform.googleapis.com";
    }
    if (base.endsWith("/v1")) {
      base = base.substring(0, base.length() - "/v1".length());
    }
    return base + "/v1/projects/" + (project == null || project.isBlank() ? PROJECT_FROM_CREDENTIALS : encode(project.trim()))
        + "/locations/" + encode(location) + "/publishers/" + publisher + "/models/" + encode(deployment.upstreamModel());
  }

  private static String encode(String text) {
    // Vertex model ids carry '@' (claude-3-5-sonnet-v2@20241022), which stays as it is in a path.
    return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("%40", "@");
  }

  @Override
  public Future<UpstreamRequest> authorize(Deployment deployment, UpstreamRequest request,
      Function<String, HttpClient> clients) {
    return VertexAuthorizer.authorize(deployment, request, clients);
  }

  @Override
  public Answer answer(Operation operation, Deployment deployment, Buffer body) {
    if (isClaude(deployment)) {
      return AnthropicAdapter.INSTANCE.answer(operation, deployment, body);
    }
    if (operation == Operation.EMBEDDING) {
      return VertexEmbeddings.answer(deployment, GeminiAnswers.readable(deployment, body));
    }
    return GeminiAdapter.INSTANCE.answer(operation, deployment, body);
  }

  @Override
  public StreamTranslator stream(Operation operation, Deployment deployment, UpstreamRequest request,
      boolean clientWantsUsage) {
    return isClaude(deployment)
        ? AnthropicAdapter.INSTANCE.stream(operation, deployment, request, clientWantsUsage)
        : GeminiAdapter.INSTANCE.stream(operation, deployment, request, clientWantsUsage);
  }

  @Override
  public boolean supports(Operation operation) {
    return operation == Operation.CHAT || operation == Operation.MESSAGES || operation == Operation.EMBEDDING;
  }
}
