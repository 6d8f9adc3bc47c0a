package dev.switchboard.config;

import java.util.List;

/**
 * {@code general_settings.cluster}: whether this gateway joins others (Vert.x clustered with
 * Hazelcast) and how they find each other.
 *
 * @param members   TCP-IP discovery: the other members' {@code host} or {@code host:port}
 * @param port      Hazelcast's first port (the next ones are tried when it is taken)
 * @param host      the address this node binds and announces, for Hazelcast and the event bus
 * @param multicast discover members by multicast instead of the members list
 * @param name      the cluster's name: only gateways with the same name join each other
 */
public record ClusterSettings(boolean enabled, List<String> members, int port, String host, boolean multicast,
    String name) {

  public static final int DEFAULT_PORT = 5701;
  public static final ClusterSettings OFF = new ClusterSettings(false, List.of("127.0.0.1"), DEFAULT_PORT,
      "127.0.0.1", false, "switchboard");

  public ClusterSettings enabled(boolean on) {
    return new ClusterSettings(on, members, port, host, multicast, name);
  }
}
