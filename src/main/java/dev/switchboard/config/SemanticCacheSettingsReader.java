package dev.switchboard.config;

import java.util.Locale;
import java.util.Set;

/** Reads LiteLLM's semantic cache keys of {@code cache_params} ({@link SemanticCacheSettings}). */
final class SemanticCacheSettingsReader {

  private static final Set<String> QUANTIZATIONS = Set.of("binary", "scalar", "product");

  private SemanticCacheSettingsReader() {
  }

  /** The semantic settings for a semantic {@code type}, else null; a missing required key is a config problem. */
  static SemanticCacheSettings read(YamlSection params, String type, boolean on) {
    boolean qdrant = SemanticCacheSettings.QDRANT.equals(type);
    boolean redis = SemanticCacheSettings.REDIS.equals(type);
    Double threshold = params.number("similarity_threshold");
    String qdrantModel = params.string("qdrant_semantic_cache_embedding_model");
    String redisModel = params.string("redis_semantic_cache_embedding_model");
    String apiBase = params.string("qdrant_api_base");
    String apiKey = params.string("qdrant_api_key");
    String collection = params.string("qdrant_collection_name");
    String quantization = params.string("qdrant_quantization_config");
    Integer vectorSize = params.positive("qdrant_semantic_cache_vector_size");
    String index = params.string("redis_semantic_cache_index_name");
    if (!on || !qdrant && !redis) {
      return null;
    }
    if (threshold == null) {
      params.problem("similarity_threshold", params.path("similarity_threshold") + " is required for " + type
          + " (0..1; 1 means only the same prompt)");
      return null;
    }
    if (threshold < 0 || threshold > 1) {
      params.problem("similarity_threshold", params.path("similarity_threshold") + " must be between 0 and 1, got "
          + threshold);
      return null;
    }
    String model = qdrant ? qdrantModel : redisModel;
    model = model == null || model.isBlank() ? SemanticCacheSettings.DEFAULT_EMBEDDING_MODEL : model.trim();
    if (qdrant) {
      if (apiBase == null || apiBase.isBlank()) {
        params.problem("qdrant_api_base", params.path("qdrant_api_base") + " is required for qdrant-semantic");
        return null;
      }
      if (collection == null || collection.isBlank()) {
        params.problem("qdrant_collection_name", params.path("qdrant_collection_name")
            + " is required for qdrant-semantic");
        return null;
      }
      String q = quantization == null || quantization.isBlank() ? "binary" : quantization.trim().toLowerCase(Locale.ROOT);
      if (!QUANTIZATIONS.contains(q)) {
        params.problem("qdrant_quantization_config", params.path("qdrant_quantization_config")
            + " must be binary, scalar or product, got '" + quantization + "'");
        return null;
      }
      return new SemanticCacheSettings(type, threshold, model, apiBase.trim().replaceAll("/+$", ""),
          apiKey == null || apiKey.isBlank() ? null : apiKey, collection.trim(), q, vectorSize, null);
    }
    return new SemanticCacheSettings(type, threshold, model, null, null, null, null, null,
        index == null || index.isBlank() ? SemanticCacheSettings.DEFAULT_REDIS_INDEX : index.trim());
  }
}
