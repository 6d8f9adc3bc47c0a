package dev.switchboard.config;

/**
 * LiteLLM's semantic cache types ({@code cache_params.type: qdrant-semantic | redis-semantic}): an
 * answer is reused for a prompt whose embedding is at least {@code similarity_threshold} (cosine)
 * like a stored one's.
 *
 * @param type                {@code qdrant-semantic} or {@code redis-semantic}
 * @param similarityThreshold {@code similarity_threshold}, 0..1: a hit needs a cosine similarity at least this
 * @param embeddingModel      {@code qdrant_semantic_cache_embedding_model} / {@code redis_semantic_cache_embedding_model}:
 *                            a model group of this gateway, called through its own routing
 * @param qdrantApiBase       {@code qdrant_api_base}; null for redis-semantic
 * @param qdrantApiKey        {@code qdrant_api_key}, sent as the {@code api-key} header; null without one
 * @param collection          {@code qdrant_collection_name}
 * @param quantization        {@code qdrant_quantization_config}: binary (default), scalar or product
 * @param vectorSize          {@code qdrant_semantic_cache_vector_size}, or null: the first embedding's size
 * @param redisIndex          the RediSearch index name ({@code redis_semantic_cache_index_name})
 */
public record SemanticCacheSettings(String type, double similarityThreshold, String embeddingModel,
    String qdrantApiBase, String qdrantApiKey, String collection, String quantization, Integer vectorSize,
    String redisIndex) {

  public static final String QDRANT = "qdrant-semantic";
  public static final String REDIS = "redis-semantic";
  /** LiteLLM's default embedding model for both semantic caches. */
  public static final String DEFAULT_EMBEDDING_MODEL = "text-embedding-ada-002";
  /** LiteLLM's default RediSearch index name. */
  public static final String DEFAULT_REDIS_INDEX = "litellm_semantic_cache_index";

  public boolean qdrant() {
    return QDRANT.equals(type);
  }

  @Override
  public String toString() {
    return "SemanticCacheSettings[" + type + ", threshold " + similarityThreshold + ", embeddings from "
        + embeddingModel + (qdrant() ? ", " + qdrantApiBase + "/collections/" + collection : ", index " + redisIndex)
        + "]"; // never the api key
  }
}
