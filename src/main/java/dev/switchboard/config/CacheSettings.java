package dev.switchboard.config;

import java.util.List;
import java.util.Set;

/**
 * LiteLLM's {@code litellm_settings.cache} and {@code cache_params}, as far as Switchboard implements them.
 *
 * @param enabled            {@code cache: true} with a store this build has ({@code local}, {@code redis}, {@code disk}
 *                           or a semantic one)
 * @param type               {@code local}, {@code redis}, {@code disk}, {@code qdrant-semantic} or {@code redis-semantic}
 * @param redis              where a {@code redis} (or {@code redis-semantic}) cache lives: {@code cache_params.host/port/password},
 *                           else the router's Redis settings; null for {@code local}
 * @param namespace          prefix of every cache key ({@code namespace:hash}), or null
 * @param ttlSeconds         how long an answer is kept when the request does not say
 * @param callTypes          LiteLLM call types to cache ({@code acompletion}, {@code atext_completion},
 *                           {@code aembedding}, {@code anthropic_messages}, {@code aresponses})
 * @param defaultOff         {@code mode: default_off}: only requests with {@code cache: {"use-cache": true}} use it
 * @param sharedAcrossTeams  Switchboard's own: one team may read another's cached answers (off: a namespace per team)
 * @param maxEntries         {@code max_size_in_memory}: the most answers a local cache holds
 * @param maxEntryBytes      Switchboard's own {@code max_entry_bytes}: a larger answer is not cached
 * @param warnings           what was asked for and is not implemented, said once at start
 * @param semantic           {@code qdrant-semantic} / {@code redis-semantic}'s settings, else null
 * @param diskCacheDir       {@code disk_cache_dir}: where a {@code disk} cache keeps its files
 * @param diskMaxBytes       Switchboard's own {@code disk_cache_max_bytes}: the most a {@code disk} cache holds
 * @param redisNodes         a {@code redis} cache on a cluster or behind Sentinel, or null for one server
 */
public record CacheSettings(boolean enabled, String type, RedisSettings redis, String namespace, double ttlSeconds,
    Set<String> callTypes, boolean defaultOff, boolean sharedAcrossTeams, int maxEntries, int maxEntryBytes,
    List<String> warnings, SemanticCacheSettings semantic, String diskCacheDir, long diskMaxBytes,
    RedisNodes redisNodes) {

  public static final String LOCAL = "local";
  public static final String REDIS = "redis";
  public static final String DISK = "disk";
  /** LiteLLM's disk cache directory when {@code disk_cache_dir} is not set (relative to the working directory). */
  public static final String DEFAULT_DISK_CACHE_DIR = ".litellm_cache";
  /** 1 GiB, the size limit of the diskcache library LiteLLM's disk cache uses. */
  public static final long DEFAULT_DISK_MAX_BYTES = 1L << 30;
  /** LiteLLM's in-memory cache keeps an answer 10 minutes unless told otherwise; used for both stores. */
  public static final double DEFAULT_TTL_SECONDS = 600;
  /** LiteLLM's {@code max_size_in_memory} default. */
  public static final int DEFAULT_MAX_ENTRIES = 200;
  public static final int DEFAULT_MAX_ENTRY_BYTES = 1024 * 1024;
  public static final Set<String> CACHEABLE_CALL_TYPES = Set.of("acompletion", "atext_completion", "aembedding",
      "anthropic_messages", "aresponses");

  public static final CacheSettings OFF = new CacheSettings(false, LOCAL, null, null, DEFAULT_TTL_SECONDS,
      CACHEABLE_CALL_TYPES, false, false, DEFAULT_MAX_ENTRIES, DEFAULT_MAX_ENTRY_BYTES, List.of());

  /** An exact-match cache in memory or on one Redis server (no semantic settings, no disk, no Redis topology). */
  public CacheSettings(boolean enabled, String type, RedisSettings redis, String namespace, double ttlSeconds,
      Set<String> callTypes, boolean defaultOff, boolean sharedAcrossTeams, int maxEntries, int maxEntryBytes,
      List<String> warnings) {
    this(enabled, type, redis, namespace, ttlSeconds, callTypes, defaultOff, sharedAcrossTeams, maxEntries,
        maxEntryBytes, warnings, null, DEFAULT_DISK_CACHE_DIR, DEFAULT_DISK_MAX_BYTES, null);
  }

  /** Whether requests of this LiteLLM call type are cached. */
  public boolean caches(String callType) {
    return enabled && callTypes.contains(callType);
  }
}
