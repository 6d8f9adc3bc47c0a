package dev.switchboard.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.config.StartupException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.logging.LogManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line in-process: exit codes and the one-line start-up errors. */
class MainTest {

  @TempDir
  Path dir;

  /** launch() sets up the gateway's console logging; give the other tests theirs back. */
  @AfterAll
  static void restoreTestLogging() throws IOException {
    LogManager.getLogManager().readConfiguration();
  }

  private record Run(int code, String out, String err) {
  }

  private static Run run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = Main.launch(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  private Path config(String yaml) throws IOException {
    return Files.writeString(dir.resolve("config.yaml"), yaml);
  }

  /** Exactly one line, starting with the program name, and nothing that looks like a stack trace. */
  private static String oneLine(Run run) {
    assertEquals(1, run.err().lines().count(), "one line: " + run.err());
    assertTrue(run.err().startsWith("switchboard: "), run.err());
    assertFalse(run.err().contains("Exception") || run.err().contains("\tat "), run.err());
    return run.err();
  }

  @Test
  void train_runs_the_warm_up_alone_then_says_what_it_did_and_exits() {
    Run run = run("train", "--warmup-seconds", "1");
    assertEquals(0, run.code(), run.err());
    assertTrue(run.out().strip().matches("switchboard train: [1-9][0-9]* requests in [0-9]+\\.[0-9] s"), run.out());
  }

  @Test
  void train_refuses_the_doctor_options_in_one_line() {
    Run run = run("train", "--offline");
    assertEquals(Main.USAGE_ERROR, run.code());
    assertTrue(oneLine(run).contains("--offline belongs to `switchboard doctor`"), run.err());
  }

  @Test
  void the_gateway_binds_loopback_unless_told_otherwise() {
    assertEquals("127.0.0.1", CliArgs.parse(new String[0]).host());
    assertEquals("0.0.0.0", CliArgs.parse(new String[] {"--host", "0.0.0.0"}).host());
  }

  @Test
  void the_warm_up_lasts_ten_seconds_unless_told_otherwise() {
    assertEquals(10, CliArgs.parse(new String[0]).warmupSeconds());
    assertEquals(0, CliArgs.parse(new String[] {"--warmup-seconds", "0"}).warmupSeconds());
    assertEquals(2.5, CliArgs.parse(new String[] {"--warmup-seconds=2.5"}).warmupSeconds());
    assertEquals(Main.USAGE_ERROR, run("--warmup-seconds", "-1").code());
    assertEquals(Main.USAGE_ERROR, run("--warmup-seconds", "soon").code());
  }

  @Test
  void a_start_may_take_five_minutes_unless_told_otherwise() {
    assertEquals(300, Main.startTimeoutSeconds(null));
    assertEquals(900, Main.startTimeoutSeconds(" 900 "));
    StartupException refused = assertThrows(StartupException.class, () -> Main.startTimeoutSeconds("soon"));
    assertTrue(refused.getMessage().contains("SWITCHBOARD_START_TIMEOUT_SECONDS"), refused.getMessage());
    assertThrows(StartupException.class, () -> Main.startTimeoutSeconds("0"));
  }

  @Test
  void help_and_version_exit_zero() {
    Run help = run("--help");
    assertEquals(0, help.code());
    assertTrue(help.out().contains("--config PATH") && help.out().contains("--port N") && help.out().contains("--host"));
    Run version = run("--version");
    assertEquals(0, version.code());
    assertTrue(version.out().matches("switchboard \\d+\\.\\d+\\.\\d+.*\\R"), version.out());
  }

  @Test
  void an_unknown_option_is_a_usage_error() {
    Run run = run("--frobnicate");
    assertEquals(Main.USAGE_ERROR, run.code());
    assertTrue(oneLine(run).contains("--frobnicate"));
    assertEquals(Main.USAGE_ERROR, run("--port", "seventy").code());
  }

  @Test
  void a_missing_config_file_is_one_line_and_exit_one() {
    Run run = run("--config", dir.resolve("nope.yaml").toString());
    assertEquals(Main.STARTUP_FAILED, run.code());
    assertTrue(oneLine(run).contains("Config file not found"));
  }

  @Test
  void a_yaml_syntax_error_gives_line_and_column() throws IOException {
    Run run = run("--config", config("model_list:\n  - model_name: a\n    litellm_params: [unclosed\n").toString());
    assertEquals(Main.STARTUP_FAILED, run.code());
    assertTrue(oneLine(run).matches("switchboard: .*config\\.yaml:\\d+:\\d+: YAML syntax error: .*\\R"), run.err());
  }

  @Test
  void a_master_key_without_sk_prefix_is_refused() throws IOException {
    Run run = run("--config", config("general_settings: {master_key: letmein}\n").toString());
    assertEquals(Main.STARTUP_FAILED, run.code());
    assertTrue(oneLine(run).contains("master_key must start with 'sk-'"));
    assertFalse(run.err().contains("letmein"));
  }

  @Test
  void every_fatal_problem_is_listed_at_once_and_an_unknown_provider_is_not_one() throws IOException {
    Run run = run("--config", config("""
        model_list:
          - {model_name: a, litellm_params: {model: nosuch/x}}
        general_settings: {master_key: letmein, max_request_size_mb: -1}
        litellm_settings: {request_timeout: 0}
        """).toString());
    assertEquals(Main.STARTUP_FAILED, run.code());
    String err = run.err();
    assertTrue(err.startsWith("switchboard: 3 problems in the config:"), err);
    assertTrue(err.contains("master_key must start with 'sk-'") && err.contains("max_request_size_mb must be greater")
        && err.contains("request_timeout must be greater than 0"), err);
    assertFalse(err.contains("nosuch") || err.contains("Exception") || err.contains("letmein"), err);
  }

  @Test
  void a_port_in_use_names_the_port_and_how_to_find_the_process() throws IOException {
    try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
      String port = String.valueOf(taken.getLocalPort());
      Run run = run("--config", config("model_list: []\ngeneral_settings: {database_url: none}\n").toString(),
          "--host", "127.0.0.1", "--port", port);
      assertEquals(Main.STARTUP_FAILED, run.code());
      String line = oneLine(run);
      assertTrue(line.contains("Port " + port + " on 127.0.0.1 is already in use") && line.contains("ss -ltnp"), line);
    }
  }
}
