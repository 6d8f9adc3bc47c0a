package dev.switchboard.config;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Reads {@code litellm_settings.cache} and {@code cache_params}. LiteLLM's synchronous call type names
 * ({@code completion}, {@code embedding}...) count as their async twins. A store this build does not
 * have ({@code valkey-semantic}, {@code s3}, {@code gcs}...) turns caching off with a start-up warning
 * rather than stopping the gateway.
 */
final class CacheSettingsReader {

  private static final Set<String> KNOWN_ELSEWHERE = Set.of("valkey-semantic", "s3", "gcs", "azure-blob");

  private CacheSettingsReader() {
  }

  static CacheSettings read(YamlSection litellm, RedisSettings routerRedis) {
    boolean on = litellm.bool("cache", false);
    YamlSection params = litellm.section("cache_params");
    List<String> warnings = new ArrayList<>();
    String type = params.string("type");
    type = type == null || type.isBlank() ? CacheSettings.LOCAL : type.trim().toLowerCase(Locale.ROOT);
    String host = params.string("host");
    String portText = params.string("port");
    String password = params.string("password");
    String namespace = params.string("namespace");
    Double ttl = params.number("ttl");
    Double memoryTtl = params.number("default_in_memory_ttl");
    Double redisTtl = params.number("default_in_redis_ttl");
    String mode = params.string("mode");
    Integer maxEntries = params.positive("max_size_in_memory");
    Integer maxEntryBytes = params.positive("max_entry_bytes");
    boolean shared = params.bool("shared_across_teams", false);
    String diskDir = params.string("disk_cache_dir");
    Double diskMax = params.number("disk_cache_max_bytes");
    if (diskMax != null && diskMax < 1024) {
      params.problem("disk_cache_max_bytes", params.path("disk_cache_max_bytes") + " must be at least 1024, got " + diskMax);
      diskMax = null;
    }
    RedisNodes nodes = redisNodes(params, password);
    Set<String> callTypes = callTypes(params);
    SemanticCacheSettings semantic = SemanticCacheSettingsReader.read(params, type, on);
    boolean redisBacked = CacheSettings.REDIS.equals(type) || SemanticCacheSettings.REDIS.equals(type);
    if (mode != null && !mode.isBlank() && !"default_on".equals(mode.trim()) && !"default_off".equals(mode.trim())) {
      params.problem("mode", params.path("mode") + " must be default_on or default_off, got '" + mode + "'");
    }
    for (String key : params.unread()) {
      warnings.add(key + " (not implemented; ignored)");
    }
    boolean supported = CacheSettings.LOCAL.equals(type) || CacheSettings.REDIS.equals(type)
        || CacheSettings.DISK.equals(type) || SemanticCacheSettings.QDRANT.equals(type)
        || SemanticCacheSettings.REDIS.equals(type);
    if (on && !supported) {
      warnings.add(params.path("type") + ": '" + type + "' " + (KNOWN_ELSEWHERE.contains(type)
          ? "is a LiteLLM cache this build does not implement" : "is not a cache type")
          + "; caching is OFF (use local, redis, disk, qdrant-semantic or redis-semantic)");
    }
    RedisSettings redis = null;
    if (on && CacheSettings.REDIS.equals(type) && nodes != null) {
      // A cluster or Sentinel: the first node names it in messages; cache_params.password opens the data nodes.
      String[] first = nodes.nodes().get(0).split(":");
      redis = new RedisSettings(null, first[0], Integer.parseInt(first[1]), password == null || password.isEmpty() ? null : password);
    } else if (on && redisBacked) {
      redis = host != null && !host.isBlank() ? new RedisSettings(null, host.trim(), port(params, portText),
          password == null || password.isEmpty() ? null : password) : routerRedis;
      if (redis == null) {
        params.problem("type", params.path("type") + " is " + type + ", but no Redis is configured: set "
            + params.path("host") + " (and port, password), "
            + (CacheSettings.REDIS.equals(type) ? params.path("redis_startup_nodes") + ", "
                + params.path("sentinel_nodes") + " " : "")
            + "or router_settings.redis_host / REDIS_HOST");
      }
    }
    Double chosenTtl = ttl != null ? ttl : redisBacked ? redisTtl : memoryTtl;
    if (chosenTtl != null && chosenTtl <= 0) {
      params.problem("ttl", params.path("ttl") + " must be greater than 0, got " + chosenTtl);
      chosenTtl = null;
    }
    boolean semanticReady = semantic != null || !type.endsWith("-semantic");
    return new CacheSettings(on && supported && semanticReady && (redis != null || !redisBacked), type, redis,
        namespace == null || namespace.isBlank() ? null : namespace.trim(),
        chosenTtl == null ? CacheSettings.DEFAULT_TTL_SECONDS : chosenTtl, callTypes,
        mode != null && "default_off".equals(mode.trim()), shared,
        maxEntries == null ? CacheSettings.DEFAULT_MAX_ENTRIES : maxEntries,
        maxEntryBytes == null ? CacheSettings.DEFAULT_MAX_ENTRY_BYTES : maxEntryBytes, List.copyOf(warnings), semantic,
        diskDir == null || diskDir.isBlank() ? CacheSettings.DEFAULT_DISK_CACHE_DIR : diskDir.trim(),
        diskMax == null ? CacheSettings.DEFAULT_DISK_MAX_BYTES : diskMax.longValue(),
        CacheSettings.REDIS.equals(type) ? nodes : null);
  }

  /** LiteLLM's cluster ({@code redis_startup_nodes}) or Sentinel ({@code sentinel_nodes} + {@code service_name}); null for neither. */
  private static RedisNodes redisNodes(YamlSection params, String password) {
    List<String> cluster = RedisNodes.read(params, "redis_startup_nodes", "REDIS_CLUSTER_NODES");
    List<String> sentinels = RedisNodes.read(params, "sentinel_nodes", "REDIS_SENTINEL_NODES");
    EnvValue service = params.envStringOr("service_name", "REDIS_SERVICE_NAME");
    EnvValue sentinelPassword = params.envStringOr("sentinel_password", "REDIS_SENTINEL_PASSWORD");
    if (!cluster.isEmpty() && !sentinels.isEmpty()) {
      params.problem("redis_startup_nodes", params.path("redis_startup_nodes") + " and " + params.path("sentinel_nodes")
          + " name two topologies; keep one");
      return null;
    }
    if (!cluster.isEmpty()) {
      return new RedisNodes(RedisNodes.Mode.CLUSTER, cluster, null, null);
    }
    if (sentinels.isEmpty()) {
      return null;
    }
    if (!service.isSet() || service.value().isBlank()) {
      params.problem("service_name", params.path("sentinel_nodes") + " needs " + params.path("service_name")
          + " (or REDIS_SERVICE_NAME): the name of the master the sentinels watch");
      return null;
    }
    return new RedisNodes(RedisNodes.Mode.SENTINEL, sentinels, service.value().trim(),
        sentinelPassword.isSet() && !sentinelPassword.value().isEmpty() ? sentinelPassword.value() : null);
  }

  private static int port(YamlSection params, String text) {
    if (text == null || text.isBlank()) {
      return RedisSettings.DEFAULT_PORT;
    }
    try {
      return Integer.parseInt(text.trim());
    } catch (NumberFormatException e) {
      params.problem("port", params.path("port") + " must be a port number, got '" + text + "'");
      return RedisSettings.DEFAULT_PORT;
    }
  }

  /** {@code supported_call_types}: absent means every type Switchboard caches; {@code []} means none. */
  private static Set<String> callTypes(YamlSection params) {
    if (!params.has("supported_call_types")) {
      params.raw("supported_call_types");
      return CacheSettings.CACHEABLE_CALL_TYPES;
    }
    Set<String> out = new LinkedHashSet<>();
    for (String name : params.stringList("supported_call_types")) {
      String type = name.trim();
      out.add(switch (type) {
        case "completion" -> "acompletion";
        case "text_completion" -> "atext_completion";
        case "embedding" -> "aembedding";
        case "responses" -> "aresponses";
        default -> type;
      });
    }
    return Set.copyOf(out);
  }
}
