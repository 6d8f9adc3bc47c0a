package dev.switchboard.compat;

import dev.switchboard.Gateway;
import dev.switchboard.testing.BedrockMock;
import dev.switchboard.testing.CohereMock;
import dev.switchboard.testing.Gateways;
import dev.switchboard.testing.GeminiMock;
import dev.switchboard.testing.MockProvider;
import dev.switchboard.testing.OllamaMock;
import dev.switchboard.testing.ServiceAccountKeys;
import dev.switchboard.testing.VertexMock;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.security.KeyPair;
import java.util.List;
import java.util.Map;

/**
 * One gateway in front of strict mocks of every provider whose answers it translates, plus an
 * OpenAI-format one it passes through: what the conformance tests run their checks through.
 * Model names: {@code gpt}, {@code embed} (OpenAI format), and {@link #TRANSLATED}.
 */
final class EveryProvider {

  /**
   * The translated ones. An OpenAI-format provider's answer is passed through as its bytes, so there
   * the test would check the mock's own stripped-down shapes, not the gateway's.
   */
  static final List<String> TRANSLATED = List.of("claude", "gemini", "vertex-gemini", "ollama", "cohere", "bedrock");
  /** Embedding models whose answers are translated. */
  static final List<String> TRANSLATED_EMBEDDINGS = List.of("gemini-embed", "vertex-embed", "ollama-embed",
      "cohere-embed", "bedrock-embed");

  final MockProvider openAi;
  private final GeminiMock gemini;
  private final OllamaMock ollama;
  private final CohereMock cohere;
  private final BedrockMock bedrock;
  private final VertexMock vertex;
  private final KeyPair vertexKeys = ServiceAccountKeys.generate();
  private Gateway gateway;

  EveryProvider(Vertx vertx) {
    openAi = new MockProvider(vertx);
    gemini = new GeminiMock(vertx);
    ollama = new OllamaMock(vertx);
    cohere = new CohereMock(vertx);
    bedrock = new BedrockMock(vertx, null);
    vertex = new VertexMock(vertx, vertexKeys.getPublic(), ServiceAccountKeys.CLIENT_EMAIL);
  }

  /** Starts the mocks, then the gateway; {@code generalSettings} is a YAML flow mapping or empty. */
  Future<Gateway> start(String generalSettings) {
    return Future.all(List.of(openAi.start(), gemini.start(), ollama.start(), cohere.start(), bedrock.start(),
            vertex.start()))
        .compose(started -> Gateways.start("""
            model_list:
              - model_name: gpt
                litellm_params: {model: openai/gpt-4o-mini, api_base: "%1$s", api_key: sk-up}
              - model_name: embed
                litellm_params: {model: openai/text-embedding-3-small, api_base: "%1$s", api_key: sk-up}
              - model_name: claude
                litellm_params: {model: anthropic/claude-sonnet-4-5, api_base: "http://127.0.0.1:%2$d", api_key: sk-ant-up}
              - model_name: gemini
                litellm_params: {model: gemini/gemini-2.5-flash, api_base: "http://127.0.0.1:%3$d", api_key: %4$s}
              - model_name: ollama
                litellm_params: {model: "ollama_chat/llama3.2:3b", api_base: "http://127.0.0.1:%5$d"}
              - model_name: cohere
                litellm_params: {model: cohere_chat/command-r, api_base: "http://127.0.0.1:%6$d", api_key: %7$s}
              - model_name: bedrock
                litellm_params: {model: "bedrock/converse/%9$s", api_base: "http://127.0.0.1:%8$d"}
              - model_name: vertex-gemini
                litellm_params: {model: vertex_ai/gemini-2.5-flash, vertex_project: %11$s, vertex_location: us-east5, vertex_credentials: '%12$s', api_base: "http://127.0.0.1:%10$d"}
              - model_name: gemini-wrong-key
                litellm_params: {model: gemini/gemini-2.5-flash, api_base: "http://127.0.0.1:%3$d", api_key: not-the-key}
              - model_name: gemini-embed
                litellm_params: {model: gemini/gemini-embedding-001, api_base: "http://127.0.0.1:%3$d", api_key: %4$s}
              - model_name: vertex-embed
                litellm_params: {model: vertex_ai/text-embedding-005, vertex_project: %11$s, vertex_location: us-east5, vertex_credentials: '%12$s', api_base: "http://127.0.0.1:%10$d/v1"}
              - model_name: ollama-embed
                litellm_params: {model: "ollama/nomic-embed-text", api_base: "http://127.0.0.1:%5$d"}
              - model_name: cohere-embed
                litellm_params: {model: cohere/embed-english-v3.0, api_base: "http://127.0.0.1:%6$d", api_key: %7$s}
              - model_name: bedrock-embed
                litellm_params: {model: "bedrock/amazon.titan-embed-text-v2:0", api_base: "http://127.0.0.1:%8$d"}
            %13$s
            """.formatted(openAi.apiBase(), openAi.port(), gemini.port(), GeminiMock.KEY, ollama.port(), cohere.port(),
            CohereMock.KEY, bedrock.port(), BedrockMock.MODEL, vertex.port(), VertexMock.PROJECT,
            ServiceAccountKeys.keyFile(vertexKeys, vertex.tokenUri(), VertexMock.PROJECT).encode(),
            generalSettings.isEmpty() ? "" : "general_settings: " + generalSettings),
            Map.of("AWS_ACCESS_KEY_ID", BedrockMock.KEY_ID, "AWS_SECRET_ACCESS_KEY", BedrockMock.SECRET,
                "AWS_REGION", BedrockMock.REGION)))
        .onSuccess(started -> gateway = started);
  }

  int gatewayPort() {
    return gateway.port();
  }

  Future<Void> stop() {
    return Future.join(List.of(gateway == null ? Future.succeededFuture() : gateway.close(), openAi.stop(),
        gemini.stop(), ollama.stop(), cohere.stop(), bedrock.stop(), vertex.stop())).mapEmpty();
  }
}
