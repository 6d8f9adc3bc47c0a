package dev.switchboard.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A cache Redis that is not one server (LiteLLM's {@code cache_params}): a cluster reached through
 * {@code redis_startup_nodes} ({@code [{"host": ..., "port": ...}]}, or {@code REDIS_CLUSTER_NODES} as
 * JSON), or a master found through Sentinel: {@code sentinel_nodes} ({@code [[host, port]]}, or
 * {@code REDIS_SENTINEL_NODES}), {@code service_name} ({@code REDIS_SERVICE_NAME}) and
 * {@code sentinel_password} ({@code REDIS_SENTINEL_PASSWORD}). The passwords never appear in
 * {@link #toString()}.
 *
 * @param nodes {@code host:port} of each startup node or sentinel
 */
public record RedisNodes(Mode mode, List<String> nodes, String serviceName, String sentinelPassword) {

  public enum Mode { CLUSTER, SENTINEL }

  /** Where, for logs: never a password. */
  public String describe() {
    return (mode == Mode.CLUSTER ? "cluster " : "sentinel " + serviceName + " via ") + String.join(",", nodes);
  }

  @Override
  public String toString() {
    return "RedisNodes[" + describe() + "]";
  }

  /** Reads a node list: YAML's list, else the JSON an environment variable holds; empty when neither. */
  static List<String> read(YamlSection params, String key, String variable) {
    Object raw = params.raw(key);
    Object list = raw;
    if (raw == null || raw instanceof String) {
      EnvValue text = raw == null ? params.envStringOr(key, variable) : params.envString(key);
      if (!text.isSet() || text.value().isBlank()) {
        return List.of();
      }
      try {
        list = new JsonArray(text.value()).getList();
      } catch (RuntimeException e) {
        params.problem(key, params.path(key) + " (or " + variable + ") must be a JSON list of nodes");
        return List.of();
      }
    }
    if (!(list instanceof List<?> items)) {
      params.problem(key, params.path(key) + " must be a list of nodes");
      return List.of();
    }
    List<String> out = new ArrayList<>();
    for (Object item : items) {
      String node = node(item);
      if (node == null) {
        params.problem(key, params.path(key) + ": each node is {host, port} or [host, port], got " + item);
        return List.of();
      }
      out.add(node);
    }
    return List.copyOf(out);
  }

  private static String node(Object item) {
    Object host = null;
    Object port = null;
    if (item instanceof Map<?, ?> map) {
      host = map.get("host");
      port = map.get("port");
    } else if (item instanceof JsonObject json) {
      host = json.getValue("host");
      port = json.getValue("port");
    } else if (item instanceof List<?> pair && pair.size() == 2) {
      host = pair.get(0);
      port = pair.get(1);
    } else if (item instanceof JsonArray pair && pair.size() == 2) {
      host = pair.getValue(0);
      port = pair.getValue(1);
    }
    if (host == null || port == null || String.valueOf(host).isBlank()) {
      return null;
    }
    try {
      return String.valueOf(host).trim() + ":" + Integer.parseInt(String.valueOf(port).trim());
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
