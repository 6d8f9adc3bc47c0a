package dev.switchboard.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import dev.switchboard.config.ClusterSettings;
import dev.switchboard.config.StartupException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.function.Function;
import java.util.logging.Logger;

/**
 * The gateway's Vert.x: a plain one, or one clustered with the other gateways through Hazelcast
 * (TCP-IP discovery of the configured members by default, multicast when asked). Clustering only
 * carries announcements (a key revoked, a deployment cooled down, a config reloaded): per-request
 * messages stay local.
 */
public final class ClusterNode {

  private static final Logger LOG = Logger.getLogger(ClusterNode.class.getName());
  static final int MERGE_DELAY_SECONDS = 10;

  private ClusterNode() {
  }

  public static Future<Vertx> vertx(ClusterSettings settings, VertxOptions options) {
    return vertx(settings, options, o -> Vertx.builder().with(o));
  }

  /** @param builder a Vert.x builder for these options (with metrics, say) */
  public static Future<Vertx> vertx(ClusterSettings settings, VertxOptions options,
      Function<VertxOptions, VertxBuilder> builder) {
    if (!settings.enabled()) {
      return Future.succeededFuture(builder.apply(options).build());
    }
    String address;
    try {
      address = InetAddress.getByName(settings.host()).getHostAddress();
    } catch (UnknownHostException e) {
      return Future.failedFuture(new StartupException("general_settings.cluster.interface '" + settings.host()
          + "' does not resolve; set it (or SWITCHBOARD_CLUSTER_HOST) to this node's address"));
    }
    options.getEventBusOptions().setHost(address).setPort(0);
    HazelcastClusterManager manager = new HazelcastClusterManager(hazelcast(settings, address));
    return builder.apply(options).withClusterManager(manager)
        .buildClustered()
        .onSuccess(vertx -> {
          LOG.info("Joined cluster '" + settings.name() + "' as " + address + " ("
              + (settings.multicast() ? "multicast" : "members " + String.join(", ", settings.members())) + ")");
          ClusterMembers.log(settings.name(), manager.getHazelcastInstance(), vertx);
        })
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
    // Gateways started together (a compose file, a rollout) may each finish joining before the
    // others listen and form clusters of one; merge those within seconds, not Hazelcast's 5 minutes.
    config.setProperty("hazelcast.merge.first.run.delay.seconds", String.valueOf(MERGE_DELAY_SECONDS));
    config.setProperty("hazelcast.merge.next.run.delay.seconds", String.valueOf(MERGE_DELAY_SECONDS));
    NetworkConfig network = config.getNetworkConfig();
    network.setPort(settings.port()).setPortAutoIncrement(true);
    // Bind and announce this address through the property, not `interfaces`: with interfaces on,
    // Hazelcast drops every member named by a host name that resolves outside them, so gateways
    // listed by name (a compose file's services) never see each other.
    config.setProperty("hazelcast.local.localAddress", address);
    JoinConfig join = network.getJoin();
    join.getAutoDetectionConfig().setEnabled(false);
    join.getMulticastConfig().setEnabled(settings.multicast());
    join.getTcpIpConfig().setEnabled(!settings.multicast()).setMembers(settings.members());
    return config;
  }
}
