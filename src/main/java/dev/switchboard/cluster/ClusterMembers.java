package dev.switchboard.cluster;

import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.LifecycleEvent;
import java.util.Set;
import java.util.logging.Logger;
import java.util.stream.Collectors;

/** Logs the members this gateway sees, at start and on every change, so an operator can tell one cluster from several. */
final class ClusterMembers implements MembershipListener {

  private static final Logger LOG = Logger.getLogger(ClusterNode.class.getName());

  private final String cluster;

  private ClusterMembers(String cluster) {
    this.cluster = cluster;
  }

  static void log(String cluster, HazelcastInstance hazelcast) {
    ClusterMembers members = new ClusterMembers(cluster);
    hazelcast.getCluster().addMembershipListener(members);
    // A node that merges into another cluster rejoins it whole: no member event tells it, this does.
    hazelcast.getLifecycleService().addLifecycleListener(event -> {
      if (event.getState() == LifecycleEvent.LifecycleState.MERGED) {
        members.report(hazelcast.getCluster().getMembers());
      }
    });
    members.report(hazelcast.getCluster().getMembers());
  }

  @Override
  public void memberAdded(MembershipEvent event) {
    report(event.getMembers());
  }

  @Override
  public void memberRemoved(MembershipEvent event) {
    report(event.getMembers());
  }

  private void report(Set<Member> members) {
    LOG.info("Cluster '" + cluster + "': " + members.size() + (members.size() == 1 ? " member " : " members ")
        + members.stream().map(m -> m.getAddress().getHost() + ":" + m.getAddress().getPort()
            + (m.localMember() ? " (this gateway)" : "")).collect(Collectors.joining(", ", "[", "]")));
  }
}
