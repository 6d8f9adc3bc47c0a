package dev.switchboard.testing;

import java.io.IOException;
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
    builder.environment().putAll(env);
    Process process = builder.start();
    started.add(process);
    return process;
  }

  /** The plain case: no extra JVM options, arguments or environment. */
  public Process start(Path config, int port, Path log) throws IOException {
    return start(config, port, log, List.of(), List.of(), Map.of());
  }

  @Override
  public void afterEach(ExtensionContext context) {
    started.forEach(Process::destroyForcibly);
    started.clear();
  }
}
