package dev.switchboard.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.switchboard.config.RedisNodes;
import dev.switchboard.config.RedisSettings;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.RedisReplicas;
import io.vertx.redis.client.RedisRole;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How the cache's Redis settings become the Vert.x Redis client's options, for each topology. */
class RedisTopologyOptionsTest {

  @Test
  void one_server_keeps_its_connection_string() {
    RedisOptions options = RedisCacheStore.options(new RedisSettings(null, "127.0.0.1", 6390, "p@ss"), null);
    assertEquals(RedisClientType.STANDALONE, options.getType());
    assertEquals(List.of("redis://:p%40ss@127.0.0.1:6390"), options.getEndpoints());
  }

  @Test
  void startup_nodes_become_a_cluster_client_on_every_node_with_the_data_password() {
    RedisOptions options = RedisCacheStore.options(new RedisSettings(null, "10.0.0.1", 7001, "pw"),
        new RedisNodes(RedisNodes.Mode.CLUSTER, List.of("10.0.0.1:7001", "10.0.0.2:7002"), null, null));
    assertEquals(RedisClientType.CLUSTER, options.getType());
    assertEquals(List.of("redis://:pw@10.0.0.1:7001", "redis://:pw@10.0.0.2:7002"), options.getEndpoints());
    assertEquals(RedisReplicas.NEVER, options.getUseReplicas(), "reads from masters: an answer just stored is found");
  }

  @Test
  void sentinels_become_a_sentinel_client_for_the_named_master() {
    RedisOptions options = RedisCacheStore.options(new RedisSettings(null, "s1", 26379, "data-pw"),
        new RedisNodes(RedisNodes.Mode.SENTINEL, List.of("s1:26379", "s2:26379"), "mymaster", "sentinel-pw"));
    assertEquals(RedisClientType.SENTINEL, options.getType());
    assertEquals("mymaster", options.getMasterName());
    assertEquals(RedisRole.MASTER, options.getRole());
    assertEquals(List.of("redis://:sentinel-pw@s1:26379", "redis://:sentinel-pw@s2:26379"), options.getEndpoints());
    assertEquals("data-pw", options.getPassword(), "the master's own password");
    RedisOptions open = RedisCacheStore.options(new RedisSettings(null, "s1", 26379, null),
        new RedisNodes(RedisNodes.Mode.SENTINEL, List.of("s1:26379"), "mymaster", null));
    assertEquals(List.of("redis://s1:26379"), open.getEndpoints());
    assertNull(open.getPassword());
  }
}
