package dev.switchboard.cluster;

import com.hazelcast.cluster.Member;
import com.hazelcast.core.HazelcastInstance;
import io.vertx.core.Vertx;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Collectors;

/**
 * Logs the members this gateway sees, at start and whenever they change (a change seen while INFO is
 * off, as during the start's warm-up, is logged once it is on again), so an operator can tell one
 * cluster from several. Looked at on a timer rather than told by Hazelcast's membership events: those
 * reach listeners behind Vert.x's own, which can wait minutes while partitions migrate, and a node
 * that merges into another cluster gets none at all.
 */
final class ClusterMembers {

  private static final Logger LOG = Logger.getLogger(ClusterNode.class.getName());
  static final long CHECK_MS = 2_000;

  private final String cluster;
  private final HazelcastInstance hazelcast;
  private Set<Member> logged = Set.of();

  private ClusterMembers(String cluster, HazelcastInstance hazelcast) {
    this.cluster = cluster;
    this.hazelcast = hazelcast;
  }

  static void log(String cluster, HazelcastInstance hazelcast, Vertx vertx) {
    ClusterMembers members = new ClusterMembers(cluster, hazelcast);
    members.check();
    vertx.setPeriodic(CHECK_MS, id -> members.check());
  }

  /** A local read of Hazelcast's member list: no remote call, so it may run on an event loop. */
  private void check() {
    if (!hazelcast.getLifecycleService().isRunning()) {
      return;
    }
    Set<Member> now = hazelcast.getCluster().getMembers();
    // While INFO is off (the start's warm-up quiets it) the change waits to be logged.
    if (now.equals(logged) || !LOG.isLoggable(Level.INFO)) {
      return;
    }
    logged = Set.copyOf(now);
    LOG.info("Cluster '" + cluster + "': " + now.size() + (now.size() == 1 ? " member " : " members ")
        + now.stream().map(m -> m.getAddress().getHost() + ":" + m.getAddress().getPort()
            + (m.localMember() ? " (this gateway)" : "")).collect(Collectors.joining(", ", "[", "]")));
  }
}
