package dev.switchboard.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.hazelcast.config.Config;
import com.hazelcast.core.Hazelcast;
import dev.switchboard.config.ClusterSettings;
import dev.switchboard.testing.Awaits;
import dev.switchboard.testing.Gateways;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** How gateways find each other: members named by host name, and clusters of one merging. */
@ExtendWith(VertxExtension.class)
class ClusterFormationTest {

  private final List<String> logged = new CopyOnWriteArrayList<>();
  private final Handler capture = new Handler() {
    @Override
    public void publish(LogRecord record) {
      logged.add(record.getMessage());
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
    }
  };
  private Vertx a;
  private Vertx b;

  private static final Logger CLUSTER_LOG = Logger.getLogger(ClusterNode.class.getName());
  private Level level;

  @BeforeEach
  void listen() {
    level = CLUSTER_LOG.getLevel();
    CLUSTER_LOG.setLevel(Level.INFO);
    CLUSTER_LOG.addHandler(capture);
  }

  @AfterEach
  void stop() throws Exception {
    CLUSTER_LOG.removeHandler(capture);
    CLUSTER_LOG.setLevel(level);
    for (Vertx node : new Vertx[] {b, a}) {
      if (node != null) {
        node.close().await(90, TimeUnit.SECONDS);
      }
    }
  }

  /**
   * In containers the members are service names and each node binds its own address: Hazelcast's
   * `interfaces` would drop every name that resolves outside the bind address, i.e. every other node.
   */
  @Test
  void members_named_by_host_name_are_not_filtered_by_the_address_this_node_binds() {
    Config config = ClusterNode.hazelcast(new ClusterSettings(true, List.of("gateway-1", "gateway-2", "gateway-3"),
        5701, "gateway-1", false, "switchboard"), "172.21.0.6");
    assertFalse(config.getNetworkConfig().getInterfaces().isEnabled(), "interfaces filter the members list");
    assertEquals("172.21.0.6", config.getProperty("hazelcast.local.localAddress"));
    assertEquals(List.of("gateway-1", "gateway-2", "gateway-3"),
        config.getNetworkConfig().getJoin().getTcpIpConfig().getMembers());
  }

  /**
   * Gateways started together can each finish joining before the others listen, and form clusters of
   * one. Node B, which lists only itself, starts after node A has formed its own cluster: the two must
   * become one within seconds (Hazelcast's first merge is otherwise 5 minutes after start).
   */
  @Test
  void two_clusters_of_one_merge_into_one_within_seconds(Vertx vertx, VertxTestContext test) {
    String name = "merge-" + UUID.randomUUID();
    int portA = Gateways.freePort();
    int portB = Gateways.freePort();
    ClusterSettings nodeA = new ClusterSettings(true, List.of("127.0.0.1:" + portA, "127.0.0.1:" + portB), portA,
        "127.0.0.1", false, name);
    ClusterSettings nodeB = new ClusterSettings(true, List.of("127.0.0.1:" + portB), portB, "127.0.0.1", false, name);
    ClusterNode.vertx(nodeA, new VertxOptions())
        .compose(started -> {
          a = started;
          assertEquals(List.of(1), members(name), "A is alone before B starts");
          return ClusterNode.vertx(nodeB, new VertxOptions());
        })
        .compose(started -> {
          b = started;
          // Bounded by the merge delay and a margin for a loaded machine.
          return Awaits.until(vertx, () -> members(name).equals(List.of(2, 2)),
              (ClusterNode.MERGE_DELAY_SECONDS * 4 + 20) * 1000L);
        })
        // Each gateway says so in its log, the one that merged into the other cluster too.
        .compose(merged -> Awaits.until(vertx, () -> logged.stream()
            .filter(line -> line.startsWith("Cluster '" + name + "': 2 members")).count() >= 2, 20_000))
        .onComplete(test.succeeding(done -> test.completeNow()));
  }

  /** The members each Hazelcast instance of that cluster name in this JVM sees. */
  private static List<Integer> members(String cluster) {
    return Hazelcast.getAllHazelcastInstances().stream()
        .filter(instance -> instance.getConfig().getClusterName().equals(cluster))
        .map(instance -> instance.getCluster().getMembers().size()).toList();
  }
}
