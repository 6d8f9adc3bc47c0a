package dev.switchboard.testing;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.ext.web.client.WebClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Gateways in JVMs of their own, started from the test classpath as {@code switchboard} runs, for
 * what only a real process shows (signals, a kill, thread scheduling, a small heap). Registered
 * with {@code @RegisterExtension}; kills what it started after each test.
 */
public final class GatewayJvm implements AfterEachCallback {

  private final List<Process> started = new ArrayList<>();
  private final List<Path> logs = new ArrayList<>();

  /**
   * {@code java <jvmOptions> dev.switchboard.cli.Main --config <config> --host 127.0.0.1 --port
   * <port> <args>}, output and errors to {@code log}, with {@code env} added to this JVM's.
   */
  public Process start(Path config, int port, Path log, List<String> jvmOptions, List<String> args,
      Map<String, String> env) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.switchboard.cli.Main",
        "--config", config.toString(), "--host", "127.0.0.1", "--port", Integer.toString(port)));
    command.addAll(args);
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    // Ready at once, unless a test asks for the warm-up.
    builder.environment().put("SWITCHBOARD_WARMUP_SECONDS", "0");
    builder.environment().putAll(env);
    Process process = builder.start();
    started.add(process);
    logs.add(log);
    return process;
  }

  /** The plain case: no extra JVM options, arguments or environment. */
  public Process start(Path config, int port, Path log) throws IOException {
    return start(config, port, log, List.of(), List.of(), Map.of());
  }

  /**
   * Completes once {@code process} answers {@code GET /health/readiness} on {@code port}. Fails at
   * once if the process exits first, or after {@code timeoutMs}, either way with its log, so a
   * gateway that could not start says why instead of leaving the test to time out.
   */
  public static Future<Void> serving(Vertx vertx, Process process, int port, Path log, long timeoutMs) {
    WebClient client = WebClient.create(vertx);
    Promise<Void> ready = Promise.promise();
    poll(vertx, client, process, port, log, System.currentTimeMillis() + timeoutMs, ready);
    return ready.future().onComplete(done -> client.close());
  }

  private static void poll(Vertx vertx, WebClient client, Process process, int port, Path log, long deadline,
      Promise<Void> ready) {
    client.get(port, "127.0.0.1", "/health/readiness").send().onComplete(answer -> {
      if (answer.succeeded() && answer.result().statusCode() == 200) {
        ready.complete();
      } else if (!process.isAlive()) {
        ready.fail("the gateway exited with code " + process.exitValue() + " before serving: " + logOf(log));
      } else if (System.currentTimeMillis() > deadline) {
        ready.fail("the gateway did not serve on port " + port + " in time: " + logOf(log));
      } else {
        vertx.setTimer(50, id -> poll(vertx, client, process, port, log, deadline, ready));
      }
    });
  }

  /** What the gateway wrote, for a failure message. */
  public static String logOf(Path log) {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  /**
   * Kills what this test started. A failed test, a Vert.x test timeout included (it surfaces only
   * after the test method), prints each gateway's log, so no failure is a bare timeout.
   */
  @Override
  public void afterEach(ExtensionContext context) {
    started.forEach(Process::destroyForcibly);
    context.getExecutionException().ifPresent(failure -> logs.forEach(log -> System.err.println(
        "---- " + context.getDisplayName() + " failed (" + failure + "); gateway log " + log + ":\n" + logOf(log))));
    started.clear();
    logs.clear();
  }
}
