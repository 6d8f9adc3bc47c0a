package dev.switchboard.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.logging.LogManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** `switchboard doctor`: a table of OK/WARN/FAIL with fixes; exit 0 only when nothing FAILs. */
class DoctorCommandTest {

  /** launch() sets up the gateway's console logging; give the other tests theirs back. */
  @AfterEach
  void restoreLogging() throws Exception {
    LogManager.getLogManager().readConfiguration();
  }

  private static int doctor(Path config, ByteArrayOutputStream out) {
    return Main.launch(new String[] {"doctor", "--config", config.toString(), "--offline", "--port", "0"},
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(new ByteArrayOutputStream()));
  }

  @Test
  void the_doctor_prints_the_table_and_exits_one_on_a_failure() throws Exception {
    Path config = Files.createTempFile("doctor", ".yaml");
    Files.writeString(config, """
        model_list:
          - {model_name: chat, litellm_params: {model: openai/chat, api_key: os.environ/SB_DOCTOR_CLI_UNSET}}
        general_settings: {master_key: sk-a-long-random-master-key-0123456789, database_url: none}
        """);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int code = doctor(config, out);
    String table = out.toString(StandardCharsets.UTF_8);
    assertEquals(1, code, table);
    assertTrue(table.startsWith("STATUS"), table);
    assertTrue(table.contains("FAIL   env SB_DOCTOR_CLI_UNSET"), table);
    assertTrue(table.contains("fix: export SB_DOCTOR_CLI_UNSET"), table);
    assertTrue(table.contains("1 FAIL"), table);
  }

  @Test
  void every_problem_of_the_file_is_reported_in_one_run() throws Exception {
    Path config = Files.createTempFile("doctor", ".yaml");
    Files.writeString(config, """
        model_list:
          - {model_name: a, litellm_params: {model: openai/a, api_key: sk-x, rpm: lots}}
          - {litellm_params: {model: openai/b, api_key: sk-x}}
          - {model_name: c, litellm_params: {model: bogus/c}}
          - {model_name: d, litellm_params: {model: hosted_vllm/d}}
        general_settings:
          master_key: sk-a-long-random-master-key-0123456789
          database_url: none
          max_request_size_mb: -1
          spend_batch_size: 0
        litellm_settings: {request_timeout: 0}
        router_settings:
          routing_strategy: fastest-please
          fallbacks: [{a: [nowhere]}]
        """);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int code = doctor(config, out);
    String table = out.toString(StandardCharsets.UTF_8);
    assertEquals(1, code, table);
    for (String problem : new String[] {
        "model_list[0].litellm_params.rpm must be a number, got 'lots'",
        "model_list[1].model_name is required",
        "model_list[3].litellm_params.api_base is required for hosted_vllm",
        "general_settings.max_request_size_mb must be greater than 0",
        "general_settings.spend_batch_size must be at least 1",
        "litellm_settings.request_timeout must be greater than 0",
        "router_settings.routing_strategy must be one of",
        "router_settings.fallbacks.a names 'nowhere'"}) {
      assertTrue(table.contains(problem), problem + " in:\n" + table);
    }
    assertTrue(table.contains("WARN   deployment c (disabled)") && table.contains("unknown provider 'bogus'"), table);
    assertTrue(table.contains("8 FAIL"), table);
  }

  @Test
  void a_clean_config_exits_zero() throws Exception {
    Path config = Files.createTempFile("doctor", ".yaml");
    Files.writeString(config, """
        model_list:
          - {model_name: chat, litellm_params: {model: openai/chat, api_key: sk-x}}
        general_settings: {master_key: sk-a-long-random-master-key-0123456789, database_url: none}
        """);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    assertEquals(0, doctor(config, out), out.toString(StandardCharsets.UTF_8));
  }

  @Test
  void doctor_options_are_refused_outside_doctor() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    assertEquals(Main.USAGE_ERROR, Main.launch(new String[] {"--offline"}, new PrintStream(new ByteArrayOutputStream()),
        new PrintStream(err, true, StandardCharsets.UTF_8)));
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("switchboard doctor"));
  }
}
