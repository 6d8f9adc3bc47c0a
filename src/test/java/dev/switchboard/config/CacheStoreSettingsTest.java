package dev.switchboard.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** cache_params for the disk store and for a Redis cluster or Sentinel, with LiteLLM's keys and variables. */
class CacheStoreSettingsTest {

  private static GatewayConfig parse(String yaml, Map<String, String> env) {
    return new ConfigLoader(env::get).parse(yaml, "config.yaml");
  }

  private static CacheSettings cache(String params, Map<String, String> env) {
    return parse("model_list: []\nlitellm_settings:\n  cache: true\n  cache_params: " + params + "\n", env)
        .litellm().cache();
  }

  @Test
  void disk_is_a_cache_now_with_litellms_directory_and_our_size_bound() {
    CacheSettings disk = cache("{type: disk, disk_cache_dir: /var/cache/sb, disk_cache_max_bytes: 1048576}", Map.of());
    assertTrue(disk.enabled(), disk.warnings().toString());
    assertEquals("disk", disk.type());
    assertEquals("/var/cache/sb", disk.diskCacheDir());
    assertEquals(1_048_576, disk.diskMaxBytes());
    assertTrue(disk.warnings().isEmpty(), disk.warnings().toString());
    CacheSettings defaults = cache("{type: disk}", Map.of());
    assertEquals(".litellm_cache", defaults.diskCacheDir(), "LiteLLM's default directory");
    assertEquals(1L << 30, defaults.diskMaxBytes());
    assertThrows(StartupException.class, () -> cache("{type: disk, disk_cache_max_bytes: 10}", Map.of()));
  }

  @Test
  void redis_startup_nodes_make_a_cluster_cache_from_yaml_or_redis_cluster_nodes() {
    CacheSettings yaml = cache("{type: redis, password: pw, redis_startup_nodes: [{host: 10.0.0.1, port: \"7001\"},"
        + " {host: 10.0.0.2, port: 7002}]}", Map.of());
    assertTrue(yaml.enabled());
    assertEquals(RedisNodes.Mode.CLUSTER, yaml.redisNodes().mode());
    assertEquals(List.of("10.0.0.1:7001", "10.0.0.2:7002"), yaml.redisNodes().nodes());
    assertEquals("pw", yaml.redis().password());
    CacheSettings env = cache("{type: redis}", Map.of("REDIS_CLUSTER_NODES", "[{\"host\": \"c1\", \"port\": 7000}]"));
    assertEquals(List.of("c1:7000"), env.redisNodes().nodes());
    StartupException bad = assertThrows(StartupException.class,
        () -> cache("{type: redis, redis_startup_nodes: [{host: a}]}", Map.of()));
    assertTrue(bad.getMessage().contains("redis_startup_nodes"), bad.getMessage());
  }

  @Test
  void sentinel_nodes_with_service_name_find_the_master_and_the_password_stays_out_of_descriptions() {
    CacheSettings sentinel = cache("{type: redis, sentinel_nodes: [[\"127.0.0.1\", 26379], [\"127.0.0.2\", 26380]],"
        + " service_name: mymaster, sentinel_password: sentinel-secret}", Map.of());
    RedisNodes nodes = sentinel.redisNodes();
    assertEquals(RedisNodes.Mode.SENTINEL, nodes.mode());
    assertEquals(List.of("127.0.0.1:26379", "127.0.0.2:26380"), nodes.nodes());
    assertEquals("mymaster", nodes.serviceName());
    assertEquals("sentinel-secret", nodes.sentinelPassword());
    assertFalse(nodes.toString().contains("sentinel-secret"));
    CacheSettings env = cache("{type: redis}", Map.of("REDIS_SENTINEL_NODES", "[[\"s1\", 26379]]",
        "REDIS_SERVICE_NAME", "primary"));
    assertEquals("primary", env.redisNodes().serviceName());
    StartupException unnamed = assertThrows(StartupException.class,
        () -> cache("{type: redis, sentinel_nodes: [[\"s1\", 26379]]}", Map.of()));
    assertTrue(unnamed.getMessage().contains("service_name"), unnamed.getMessage());
    assertNull(cache("{type: redis, host: r1}", Map.of()).redisNodes(), "one server: no topology");
  }
}
