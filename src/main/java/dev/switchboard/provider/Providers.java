package dev.switchboard.provider;

import dev.switchboard.model.ProviderAdapter;
import dev.switchboard.model.Provider;
import dev.switchboard.config.AwsAuth;
import dev.switchboard.config.StartupException;
import java.util.LinkedHashMap;
import java.util.Map;

/** The provider prefixes Switchboard knows, as LiteLLM names them, each with its wire-format adapter. */
public final class Providers {

  private static final Map<String, Provider> KNOWN = new LinkedHashMap<>();

  static {
    add("openai", "https://api.openai.com/v1", true, OpenAiAdapter.INSTANCE);
    add("groq", "https://api.groq.com/openai/v1", true, OpenAiAdapter.INSTANCE);
    add("openrouter", "https://openrouter.ai/api/v1", true, OpenAiAdapter.INSTANCE);
    add("deepseek", "https://api.deepseek.com/v1", true, OpenAiAdapter.INSTANCE);
    add("mistral", "https://api.mistral.ai/v1", false, OpenAiAdapter.INSTANCE);
    add("together_ai", "https://api.together.xyz/v1", true, OpenAiAdapter.INSTANCE);
    add("fireworks_ai", "https://api.fireworks.ai/inference/v1", true, OpenAiAdapter.INSTANCE);
    add("perplexity", "https://api.perplexity.ai", false, OpenAiAdapter.INSTANCE);
    add("xai", "https://api.x.ai/v1", true, OpenAiAdapter.INSTANCE);
    add("deepinfra", "https://api.deepinfra.com/v1/openai", true, OpenAiAdapter.INSTANCE);
    add("cerebras", "https://api.cerebras.ai/v1", true, OpenAiAdapter.INSTANCE);
    add("nvidia_nim", "https://integrate.api.nvidia.com/v1", true, OpenAiAdapter.INSTANCE);
    add("lm_studio", "http://localhost:1234/v1", true, OpenAiAdapter.INSTANCE);
    add("hosted_vllm", null, true, OpenAiAdapter.INSTANCE);
    add("jina_ai", JinaRerank.DEFAULT_API_BASE, false, OpenAiAdapter.INSTANCE); // embeddings (OpenAI format) and rerank
    add("azure", null, true, AzureAdapter.INSTANCE);
    add("azure_ai", null, false, AzureAiAdapter.INSTANCE);
    add("anthropic", "https://api.anthropic.com", false, AnthropicAdapter.INSTANCE);
    add("gemini", "https://generativelanguage.googleapis.com", false, GeminiAdapter.INSTANCE);
    add("vertex_ai", VertexAdapter.GLOBAL_HOST, false, VertexAdapter.INSTANCE);
    add("ollama", "http://localhost:11434", false, OllamaAdapter.GENERATE);
    add("ollama_chat", "http://localhost:11434", false, OllamaAdapter.CHAT);
    add("cohere", "https://api.cohere.com", false, CohereAdapter.INSTANCE);
    add("cohere_chat", "https://api.cohere.com", false, CohereAdapter.INSTANCE);
    add("bedrock", AwsAuth.endpoint(AwsAuth.DEFAULT_REGION), false, BedrockAdapter.INSTANCE);
  }

  private Providers() {
  }

  private static void add(String prefix, String defaultApiBase, boolean acceptsStreamOptions, ProviderAdapter adapter) {
    // Only OpenAI and Azure have the Responses API itself; the others get it translated to chat.
    ResponsesAdapter.Native responses = "openai".equals(prefix) ? ResponsesAdapter.Native.OPENAI
        : "azure".equals(prefix) ? ResponsesAdapter.Native.AZURE : ResponsesAdapter.Native.NONE;
    RerankModerationAdapter.Rerank rerank = prefix.startsWith("cohere") ? RerankModerationAdapter.Rerank.COHERE
        : "hosted_vllm".equals(prefix) ? RerankModerationAdapter.Rerank.VLLM
        : "jina_ai".equals(prefix) ? RerankModerationAdapter.Rerank.JINA : RerankModerationAdapter.Rerank.NONE;
    ProviderAdapter wrapped = RerankModerationAdapter.wrap(ResponsesAdapter.wrap(adapter, responses), rerank,
        adapter == OpenAiAdapter.INSTANCE && !"jina_ai".equals(prefix));
    KNOWN.put(prefix, new Provider(prefix, defaultApiBase, acceptsStreamOptions, wrapped));
  }

  /** The model as configured, split into its provider and the name the provider knows it by. */
  public record ProviderModel(Provider provider, String upstreamModel) {
  }

  /**
   * Splits {@code provider/model}. A model without a prefix is OpenAI's, as in LiteLLM.
   *
   * @param where the setting's path, for the error message
   */
  public static ProviderModel resolve(String model, String where) {
    int slash = model.indexOf('/');
    if (slash < 0) {
      return new ProviderModel(KNOWN.get("openai"), model);
    }
    String prefix = model.substring(0, slash);
    Provider provider = KNOWN.get(prefix);
    if (provider == null) {
      throw new StartupException(where + ": " + unsupported(model));
    }
    String upstreamModel = model.substring(slash + 1);
    if (upstreamModel.isBlank()) {
      throw new StartupException(where + ": '" + model + "' names no model after the provider prefix");
    }
    return new ProviderModel(provider, upstreamModel);
  }

  /**
   * Why {@code model}'s provider prefix cannot be served, or null when it can. The gateway disables
   * such a deployment and serves the others, instead of refusing to start.
   */
  public static String unsupported(String model) {
    int slash = model.indexOf('/');
    if (slash < 0 || KNOWN.containsKey(model.substring(0, slash))) {
      return null;
    }
    return "unknown provider '" + model.substring(0, slash) + "' in '" + model + "'; known providers: "
        + String.join(", ", KNOWN.keySet());
  }
}
