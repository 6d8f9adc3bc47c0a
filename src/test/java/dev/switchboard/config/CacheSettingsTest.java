package dev.switchboard.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import org.junit.jupiter.api.Test;

/** litellm_settings.cache and cache_params: read with LiteLLM's keys, no longer reported as ignored. */
class CacheSettingsTest {

  private static GatewayConfig parse(String yaml) {
    return new ConfigLoader(name -> null).parse(yaml, "config.yaml");
  }

  @Test
  void local_cache_with_litellms_keys() {
    GatewayConfig config = parse("""
        model_list: []
        litellm_settings:
          cache: true
          cache_params:
            type: local
            namespace: "litellm.caching"
            ttl: 120
            mode: default_off
            max_size_in_memory: 50
            supported_call_types: ["acompletion", "embedding"]
        """);
    CacheSettings cache = config.litellm().cache();
    assertTrue(cache.enabled());
    assertEquals("local", cache.type());
    assertEquals("litellm.caching", cache.namespace());
    assertEquals(120, cache.ttlSeconds());
    assertTrue(cache.defaultOff());
    assertEquals(50, cache.maxEntries());
    assertEquals(Set.of("acompletion", "aembedding"), cache.callTypes(), "sync names count as their async twins");
    assertTrue(cache.caches("acompletion"));
    assertFalse(cache.caches("atext_completion"));
    assertTrue(config.ignoredKeys().stream().noneMatch(key -> key.contains("cache")), config.ignoredKeys().toString());
  }

  @Test
  void redis_defaults_to_the_routers_redis_and_cache_params_host_wins() {
    CacheSettings shared = parse("""
        model_list: []
        router_settings: {redis_host: 10.0.0.5, redis_port: 6380}
        litellm_settings: {cache: true, cache_params: {type: redis}}
        """).litellm().cache();
    assertTrue(shared.enabled());
    assertEquals("redis://10.0.0.5:6380", shared.redis().connectionString());
    CacheSettings own = parse("""
        model_list: []
        router_settings: {redis_host: 10.0.0.5}
        litellm_settings: {cache: true, cache_params: {type: redis, host: cache.local, port: "6390", password: pw}}
        """).litellm().cache();
    assertEquals("redis://:pw@cache.local:6390", own.redis().connectionString());
    StartupException none = assertThrows(StartupException.class, () -> parse("""
        model_list: []
        litellm_settings: {cache: true, cache_params: {type: redis}}
        """));
    assertTrue(none.getMessage().contains("no Redis is configured"), none.getMessage());
  }

  @Test
  void a_cache_type_this_build_lacks_turns_caching_off_with_a_warning_not_a_failed_start() {
    CacheSettings cache = parse("""
        model_list: []
        litellm_settings:
          cache: true
          cache_params: {type: valkey-semantic, similarity_threshold: 0.8}
        """).litellm().cache();
    assertFalse(cache.enabled());
    assertTrue(cache.warnings().stream().anyMatch(w -> w.contains("valkey-semantic") && w.contains("OFF")), cache.warnings().toString());
  }

  @Test
  void semantic_types_read_litellms_keys_and_refuse_to_start_without_the_required_ones() {
    CacheSettings qdrant = parse("""
        model_list: []
        litellm_settings:
          cache: true
          cache_params: {type: qdrant-semantic, similarity_threshold: 0.8, qdrant_collection_name: c,
            qdrant_api_base: "http://127.0.0.1:6333/", qdrant_api_key: k, qdrant_quantization_config: scalar,
            qdrant_semantic_cache_embedding_model: embed}
        """).litellm().cache();
    assertTrue(qdrant.enabled());
    assertTrue(qdrant.warnings().isEmpty(), qdrant.warnings().toString());
    SemanticCacheSettings semantic = qdrant.semantic();
    assertEquals(0.8, semantic.similarityThreshold());
    assertEquals("embed", semantic.embeddingModel());
    assertEquals("http://127.0.0.1:6333", semantic.qdrantApiBase());
    assertEquals("scalar", semantic.quantization());
    assertFalse(semantic.toString().contains("k]"), "never the api key");
    CacheSettings redis = parse("""
        model_list: []
        router_settings: {redis_host: 127.0.0.1}
        litellm_settings:
          cache: true
          cache_params: {type: redis-semantic, similarity_threshold: 0.9}
        """).litellm().cache();
    assertTrue(redis.enabled());
    assertEquals("text-embedding-ada-002", redis.semantic().embeddingModel());
    assertEquals("litellm_semantic_cache_index", redis.semantic().redisIndex());
    assertThrows(StartupException.class, () -> parse("""
        model_list: []
        litellm_settings:
          cache: true
          cache_params: {type: qdrant-semantic, similarity_threshold: 0.8, qdrant_collection_name: c}
        """));
    assertThrows(StartupException.class, () -> parse("""
        model_list: []
        router_settings: {redis_host: 127.0.0.1}
        litellm_settings:
          cache: true
          cache_params: {type: redis-semantic}
        """));
  }

  @Test
  void no_cache_key_means_caching_off() {
    CacheSettings cache = parse("model_list: []\n").litellm().cache();
    assertFalse(cache.enabled());
    assertNull(cache.redis());
  }
}
