package dev.switchboard.testing;

import dev.switchboard.Gateway;
import dev.switchboard.config.ConfigLoader;
import dev.switchboard.config.GatewayConfig;
import dev.switchboard.config.GeneralSettings;
import dev.switchboard.config.SpendSettings;
import dev.switchboard.tracing.Tracing;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.ext.web.client.WebClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Starts real gateways from YAML on free loopback ports (chosen as they bind, so no other process can take one
 * first): stateless unless the config asks for a database, each spooling spend into its own temporary directory.
 * {@link GatewayExtension} is the usual way in; these are for tests with several gateways or their own lifecycle.
 */
public final class Gateways {

  private Gateways() {
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
    return Gateway.start(config(yaml, env), new Gateway.Options("127.0.0.1", 0, eventLoops));
  }

  /** @param tracing where the gateway's spans go (an in-memory exporter's, in tests) */
  public static Future<Gateway> start(String yaml, Tracing tracing) {
    return Gateway.start(config(yaml, Map.of()), new Gateway.Options("127.0.0.1", 0, 2), tracing);
  }

  private static GatewayConfig config(String yaml, Map<String, String> env) {
    return withOwnSpool(withoutDatabaseUnlessGiven(new ConfigLoader(env::get).parse(yaml, "test-config.yaml")));
  }

  /**
   * Writes {@code yaml} to a new temporary file and starts from it, as the command line does, so the
   * gateway can re-read the file (hot reload); the file's path is the config source's name.
   */
  public static Future<Gateway> startFromFile(Path file, String yaml) {
    try {
      Files.writeString(file, yaml);
    } catch (IOException e) {
      return Future.failedFuture(e);
    }
    GatewayConfig config = withOwnSpool(withoutDatabaseUnlessGiven(new ConfigLoader(Map.<String, String>of()::get)
        .load(file)));
    return Gateway.start(config, new Gateway.Options("127.0.0.1", 0, 2));
  }

  /** A new temporary config file's path (not yet written). */
  public static Path configFile() {
    try {
      Path dir = Files.createTempDirectory("switchboard-config");
      return dir.resolve("config.yaml");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Tests that are not about keys run stateless, instead of each starting a database. */
  private static GatewayConfig withoutDatabaseUnlessGiven(GatewayConfig config) {
    GeneralSettings general = config.general();
    boolean asked = general.databaseUrl() != null
        || !GeneralSettings.DEFAULT_EMBEDDED_DATABASE_DIR.equals(general.embeddedDatabaseDir());
    if (asked) {
      return config;
    }
    return new GatewayConfig(config.modelList(), new GeneralSettings(general.masterKey(), "none",
        general.maxRequestSizeMb(), general.embeddedDatabaseDir(), general.maxParallelRequests(),
        general.globalMaxParallelRequests(), general.gracefulShutdownSeconds(),
        general.databasePoolSize(), general.server(), general.storeModelInDb(), general.responsesStoreTtlSeconds(),
        general.batchPollIntervalSeconds()), config.router(), config.litellm(), config.spend(), config.cluster(),
        config.ignoredKeys(), config.observability(), config.source(), config.guardrails());
  }

  /** Each test gateway spools into its own temporary directory unless the test names one. */
  private static GatewayConfig withOwnSpool(GatewayConfig config) {
    if (!SpendSettings.DEFAULT_SPOOL_DIR.equals(config.spend().spoolDir())) {
      return config;
    }
    try {
      String dir = Files.createTempDirectory("switchboard-spool").toString();
      return new GatewayConfig(config.modelList(), config.general(), config.router(), config.litellm(),
          config.spend().withSpoolDir(dir), config.cluster(), config.ignoredKeys(), config.observability(),
          config.source(), config.guardrails());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Closes the gateways one after another, whatever each close gives. */
  public static Future<Void> closeAll(List<Gateway> gateways) {
    Future<Void> closed = Future.succeededFuture();
    for (Gateway gateway : gateways) {
      closed = closed.eventually(gateway::close);
    }
    return closed;
  }

  /** Completes once a gateway (a process of its own, say) answers /health/liveliness on {@code port}. */
  public static Future<Void> untilServing(Vertx vertx, WebClient client, int port, long timeoutMs) {
    Promise<Void> ready = Promise.promise();
    poll(vertx, client, port, System.currentTimeMillis() + timeoutMs, ready);
    return ready.future();
  }

  private static void poll(Vertx vertx, WebClient client, int port, long deadline, Promise<Void> ready) {
    client.get(port, "127.0.0.1", "/health/liveliness").send().onComplete(answer -> {
      if (answer.succeeded() && answer.result().statusCode() == 200) {
        ready.complete();
      } else if (System.currentTimeMillis() > deadline) {
        ready.fail("nothing started serving on port " + port);
      } else {
        vertx.setTimer(50, id -> poll(vertx, client, port, deadline, ready));
      }
    });
  }
}
