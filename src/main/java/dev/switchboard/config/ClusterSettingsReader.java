package dev.switchboard.config;

import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * Reads {@code general_settings.cluster} ({@code true}, or a mapping of members, port, interface,
 * multicast, name); the environment ({@code SWITCHBOARD_CLUSTER}, {@code SWITCHBOARD_CLUSTER_MEMBERS},
 * {@code _PORT}, {@code _HOST}, {@code _NAME}) wins over the file, so one image serves every node.
 */
final class ClusterSettingsReader {

  private ClusterSettingsReader() {
  }

  static ClusterSettings read(YamlSection general, Function<String, String> env) {
    ClusterSettings settings = ClusterSettings.OFF;
    Object raw = general.raw("cluster");
    if (raw instanceof Boolean on) {
      settings = settings.enabled(on);
    } else if (raw != null) {
      YamlSection section = general.section("cluster");
      List<String> members = section.stringList("members");
      Integer port = section.integer("port");
      String host = section.string("interface");
      settings = new ClusterSettings(section.bool("enabled", true),
          members == null || members.isEmpty() ? settings.members() : members,
          port == null ? settings.port() : port,
          host == null ? settings.host() : host,
          section.bool("multicast", false),
          section.string("name") == null ? settings.name() : section.string("name"));
      if (!section.unread().isEmpty()) {
        throw new StartupException(String.join(", ", section.unread()) + ": unknown; general_settings.cluster takes "
            + "enabled, members, port, interface, multicast, name");
      }
    }
    String on = env.apply("SWITCHBOARD_CLUSTER");
    String members = env.apply("SWITCHBOARD_CLUSTER_MEMBERS");
    String port = env.apply("SWITCHBOARD_CLUSTER_PORT");
    String host = env.apply("SWITCHBOARD_CLUSTER_HOST");
    String name = env.apply("SWITCHBOARD_CLUSTER_NAME");
    int clusterPort = settings.port();
    if (port != null && !port.isBlank()) {
      try {
        clusterPort = Integer.parseInt(port.trim());
      } catch (NumberFormatException e) {
        throw new StartupException("SWITCHBOARD_CLUSTER_PORT must be a port number, got '" + port + "'");
      }
    }
    if (clusterPort < 1 || clusterPort > 65535) {
      throw new StartupException("general_settings.cluster.port must be between 1 and 65535, got " + clusterPort);
    }
    return new ClusterSettings(
        on != null && !on.isBlank() ? Boolean.parseBoolean(on.trim()) : settings.enabled(),
        members != null && !members.isBlank()
            ? Arrays.stream(members.split(",")).map(String::trim).filter(m -> !m.isEmpty()).toList() : settings.members(),
        clusterPort,
        host != null && !host.isBlank() ? host.trim() : settings.host(),
        settings.multicast(),
        name != null && !name.isBlank() ? name.trim() : settings.name());
  }
}
