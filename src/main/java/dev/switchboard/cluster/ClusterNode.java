package dev.switchboard.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import dev.switchboard.config.ClusterSettings;
import dev.switchboard.config.StartupException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.logging.Logger;

/**
 * The gateway's Vert.x: a plain one, or one clustered with the other gateways through Hazelcast
 * (TCP-IP discovery of the configured members by default, multicast when asked). Clustering only
 * carries announcements (a key revoked, a deployment cooled down, a config reloaded): per-request
 * messages stay local.
 */
public final class ClusterNode {

  private static final Logger LOG = Logger.getLogger(ClusterNode.class.getName());

  private ClusterNode() {
  }

  public static Future<Vertx> vertx(ClusterSettings settings, VertxOptions options) {
    if (!settings.enabled()) {
      return Future.succeededFuture(Vertx.vertx(options));
    }
    String address;
    try {
      address = InetAddress.getByName(settings.host()).getHostAddress();
    } catch (UnknownHostException e) {
      return Future.failedFuture(new StartupException("general_settings.cluster.interface '" + settings.host()
          + "' does not resolve; set it (or SWITCHBOARD_CLUSTER_HOST) to this node's address"));
    }
    options.getEventBusOptions().setHost(address).setPort(0);
    return Vertx.builder().with(options).withClusterManager(new HazelcastClusterManager(hazelcast(settings, address)))
        .buildClustered()
        .onSuccess(vertx -> LOG.info("Joined cluster '" + settings.name() + "' as " + address + " ("
            + (settings.multicast() ? "multicast" : "members " + String.join(", ", settings.members())) + ")"))
        .recover(failure -> Future.failedFuture(new StartupException("Cannot join cluster '" + settings.name()
            + "' on " + address + ": " + failure.getMessage())));
  }

  static Config hazelcast(ClusterSettings settings, String address) {
    // Vert.x's own map and multimap settings (subscriptions, HA and node info), then ours.
    Config config = ConfigUtil.loadConfig();
    config.setClusterName(settings.name());
    config.setProperty("hazelcast.logging.type", "jdk");
    config.setProperty("hazelcast.phone.home.enabled", "false");
    config.setProperty("hazelcast.socket.bind.any", "false");
    // Leave quickly and notice a dead member within seconds, not minutes.
    config.setProperty("hazelcast.heartbeat.interval.seconds", "1");
    config.setProperty("hazelcast.max.no.heartbeat.seconds", "10");
    config.setProperty("hazelcast.graceful.shutdown.max.wait", "10");
    NetworkConfig network = config.getNetworkConfig();
    network.setPort(settings.port()).setPortAutoIncrement(true);
    network.getInterfaces().setEnabled(true).addInterface(address);
    JoinConfig join = network.getJoin();
    join.getAutoDetectionConfig().setEnabled(false);
    join.getMulticastConfig().setEnabled(settings.multicast());
    join.getTcpIpConfig().setEnabled(!settings.multicast()).setMembers(settings.members());
    return config;
  }
}
