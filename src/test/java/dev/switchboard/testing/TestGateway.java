package dev.switchboard.testing;

import dev.switchboard.Gateway;
import dev.switchboard.config.ConfigLoader;
import dev.switchboard.config.GatewayConfig;
import io.vertx.core.Future;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.Map;

/** Starts a real gateway on a free loopback port from YAML text. */
public final class TestGateway {

  private TestGateway() {
  }

  public static Future<Gateway> start(String yaml) {
    return start(yaml, Map.of());
  }

  /** @param env the process environment the config's {@code os.environ/} references see */
  public static Future<Gateway> start(String yaml, Map<String, String> env) {
    return start(yaml, env, 2);
  }

  /** @param eventLoops how many event loops (one makes per-loop behaviour deterministic) */
  public static Future<Gateway> start(String yaml, Map<String, String> env, int eventLoops) {
    GatewayConfig config = new ConfigLoader(env::get).parse(yaml, "test-config.yaml");
    return Gateway.start(config, new Gateway.Options("127.0.0.1", freePort(), eventLoops));
  }

  public static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
