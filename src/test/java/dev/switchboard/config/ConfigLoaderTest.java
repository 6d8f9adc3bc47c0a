package dev.switchboard.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigLoaderTest {

  private static GatewayConfig parse(String yaml, Map<String, String> env) {
    return new ConfigLoader(env::get).parse(yaml, "config.yaml");
  }

  private static String failure(String yaml) {
    return assertThrows(StartupException.class, () -> parse(yaml, Map.of())).getMessage();
  }

  @Test
  void every_documented_litellm_key_is_read() {
    GatewayConfig config = parse("""
        model_list:
          - model_name: gpt-4o
            litellm_params:
              model: azure-less/ignored-by-loader
              api_base: https://example.invalid/v1
              api_key: os.environ/OPENAI_KEY
              api_version: "2024-06-01"
              rpm: 100
              tpm: 20000
              timeout: 30
              stream_timeout: 12.5
              max_retries: 2
              weight: 3
              order: 1
              tags: [fast, cheap]
            model_info:
              id: dep-1
              mode: chat
              input_cost_per_token: 0.000001
              output_cost_per_token: 0.000002
              max_tokens: 4096
              max_input_tokens: 128000
              access_groups: [beta]
        router_settings: {routing_strategy: simple-shuffle}
        litellm_settings: {drop_params: true, request_timeout: 45}
        general_settings: {master_key: sk-1234, database_url: "postgresql://u:p@h/db", max_request_size_mb: 2}
        """, Map.of("OPENAI_KEY", "sk-from-env"));
    DeploymentConfig deployment = config.modelList().get(0);
    LitellmParams p = deployment.params();
    assertEquals("gpt-4o", deployment.modelName());
    assertEquals("https://example.invalid/v1", p.apiBase().value());
    assertEquals("sk-from-env", p.apiKey().value());
    assertEquals("2024-06-01", p.apiVersion().value());
    assertEquals(100, p.rpm());
    assertEquals(20000, p.tpm());
    assertEquals(30.0, p.timeout());
    assertEquals(12.5, p.streamTimeout());
    assertEquals(2, p.maxRetries());
    assertEquals(3.0, p.weight());
    assertEquals(1, p.order());
    assertEquals(List.of("fast", "cheap"), p.tags());
    ModelInfo info = deployment.info();
    assertEquals("dep-1", info.id());
    assertEquals("chat", info.mode());
    assertEquals(0.000001, info.inputCostPerToken());
    assertEquals(0.000002, info.outputCostPerToken());
    assertEquals(4096, info.maxTokens());
    assertEquals(128000, info.maxInputTokens());
    assertEquals(List.of("beta"), info.accessGroups());
    assertTrue(config.litellm().dropParams());
    assertEquals(45.0, config.litellm().requestTimeout());
    assertEquals("sk-1234", config.general().masterKey().value());
    assertEquals(2 * 1024 * 1024, config.general().maxRequestSizeBytes());
    assertEquals(List.of(), config.ignoredKeys());
  }

  @Test
  void environment_variables_feed_os_environ_references() {
    GatewayConfig config = parse("""
        environment_variables: {MY_KEY: sk-declared}
        model_list:
          - model_name: m
            litellm_params: {model: openai/x, api_key: os.environ/MY_KEY}
        """, Map.of());
    assertEquals("sk-declared", config.modelList().get(0).params().apiKey().value());
  }

  @Test
  void database_url_falls_back_to_the_DATABASE_URL_variable_and_none_means_stateless() {
    GatewayConfig fromEnv = parse("model_list: []\n", Map.of("DATABASE_URL", "postgresql://u@h:5432/db"));
    assertEquals("postgresql://u@h:5432/db", fromEnv.general().databaseUrl());
    assertFalse(fromEnv.general().withoutDatabase());
    GatewayConfig stateless = parse("general_settings: {database_url: none}\n", Map.of("DATABASE_URL", "postgresql://x"));
    assertTrue(stateless.general().withoutDatabase());
    assertNull(parse("model_list: []\n", Map.of()).general().databaseUrl(), "no URL: the embedded database");
  }

  @Test
  void a_deployment_with_an_unset_variable_still_loads_and_knows_the_variable() {
    GatewayConfig config = parse("""
        model_list:
          - model_name: m
            litellm_params: {model: openai/x, api_key: os.environ/NOT_SET_ANYWHERE}
        """, Map.of());
    EnvValue key = config.modelList().get(0).params().apiKey();
    assertNull(key.value());
    assertEquals("NOT_SET_ANYWHERE", key.unsetVariable());
  }

  @Test
  void unimplemented_keys_are_listed_once_not_fatal() {
    GatewayConfig config = parse("""
        model_list:
          - model_name: a
            litellm_params: {model: openai/x, organization: org-1}
            model_info: {supports_vision: true}
          - model_name: b
            litellm_params: {model: openai/y, organization: org-2}
        litellm_settings: {success_callback: [langfuse], drop_params: true}
        router_settings: {enable_pre_call_checks: true, routing_strategy: least-busy}
        general_settings: {alerting: [slack]}
        guardrails: []
        """, Map.of("LANGFUSE_PUBLIC_KEY", "pk", "LANGFUSE_SECRET_KEY", "sk", "SLACK_WEBHOOK_URL", "https://hooks.example/x"));
    List<String> ignored = config.ignoredKeys();
    assertFalse(ignored.contains("guardrails"), "guardrails are implemented: " + ignored);
    assertTrue(ignored.contains("model_list[].litellm_params.organization"), ignored.toString());
    assertEquals(1, ignored.stream().filter(k -> k.contains("organization")).count(), "listed once: " + ignored);
    assertTrue(ignored.contains("model_list[].model_info.supports_vision"), ignored.toString());
    assertFalse(ignored.contains("litellm_settings.success_callback"), "callbacks are implemented: " + ignored);
    assertTrue(ignored.stream().noneMatch(k -> k.startsWith("router_settings")), "routing keys are implemented: " + ignored);
    assertEquals("least-busy", config.router().routing().strategy());
    assertTrue(config.router().routing().preCallChecks());
    assertFalse(ignored.contains("general_settings.alerting"), "alerting is implemented: " + ignored);
  }

  @Test
  void a_yaml_syntax_error_names_line_and_column() {
    String message = failure("model_list:\n  - model_name: a\n    litellm_params: {model: openai/x\n");
    assertTrue(message.matches("config\\.yaml:\\d+:\\d+: YAML syntax error: .*"), message);
    String tabs = failure("general_settings:\n  master_key: sk-1\n bad: [\n");
    assertTrue(tabs.startsWith("config.yaml:"), tabs);
  }

  @Test
  void a_duplicate_key_is_an_error_with_its_position() {
    String message = failure("general_settings: {master_key: sk-1}\ngeneral_settings: {master_key: sk-2}\n");
    assertTrue(message.startsWith("config.yaml:2:"), message);
  }

  @Test
  void a_master_key_without_sk_prefix_is_refused_without_printing_it() {
    String message = failure("general_settings: {master_key: my-secret-master}\n");
    assertTrue(message.contains("must start with 'sk-'"), message);
    assertFalse(message.contains("my-secret-master"), message);
  }

  @Test
  void an_unset_master_key_variable_is_a_startup_error_naming_it() {
    String message = failure("general_settings: {master_key: os.environ/UNSET_MASTER_KEY_VAR}\n");
    assertTrue(message.contains("UNSET_MASTER_KEY_VAR"), message);
  }

  @Test
  void wrong_types_name_the_setting() {
    assertEquals("model_list[0].litellm_params.rpm must be a number, got 'lots'",
        failure("model_list:\n  - {model_name: a, litellm_params: {model: openai/x, rpm: lots}}\n"));
    assertEquals("model_list[0].model_name is required",
        failure("model_list:\n  - {litellm_params: {model: openai/x}}\n"));
    assertTrue(failure("model_list:\n  - {model_name: a}\n").contains("litellm_params is required"));
    assertEquals("model_list must be a list", failure("model_list: {a: 1}\n"));
    assertTrue(failure("- just\n- a list\n").contains("the top level must be a mapping"));
    assertTrue(failure("litellm_settings: {drop_params: maybe}\n").contains("drop_params must be true or false"));
  }

  @Test
  void every_problem_is_collected_with_its_setting_and_the_rest_is_still_read() {
    String yaml = """
        model_list:
          - {model_name: a, litellm_params: {model: openai/x, rpm: lots, tpm: many}}
          - {model_name: b, litellm_params: {model: openai/y}}
        general_settings: {master_key: letmein, max_request_size_mb: 0}
        litellm_settings: {drop_params: maybe}
        """;
    ConfigLoader.Reading reading = new ConfigLoader(name -> null).read(yaml, "config.yaml");
    assertEquals(List.of("model_list[0].litellm_params.rpm", "model_list[0].litellm_params.tpm",
        "general_settings.master_key", "general_settings.max_request_size_mb", "litellm_settings.drop_params"),
        reading.problems().stream().map(ConfigProblem::path).toList());
    assertEquals(2, reading.config().modelList().size(), "what could be read is still there, for the doctor");
    StartupException failure = assertThrows(StartupException.class, () -> parse(yaml, Map.of()));
    assertTrue(failure.getMessage().startsWith("5 problems in the config:"), failure.getMessage());
    assertEquals(reading.problems(), failure.problems());
    assertFalse(failure.getMessage().contains("letmein"), failure.getMessage());
  }

  @Test
  void a_missing_file_says_which_and_how_to_fix() {
    String message = assertThrows(StartupException.class,
        () -> new ConfigLoader().load(Path.of("does/not/exist.yaml"))).getMessage();
    assertTrue(message.contains("does/not/exist.yaml") && message.contains("--config"), message);
  }

  @Test
  void an_empty_file_is_an_empty_gateway() {
    GatewayConfig config = parse("", Map.of());
    assertTrue(config.modelList().isEmpty());
    assertFalse(config.general().masterKey().isSet());
    assertEquals(10 * 1024 * 1024, config.general().maxRequestSizeBytes());
  }

  @Test
  void rate_limit_settings_are_read_with_redis_from_the_config_or_the_environment() {
    GatewayConfig config = parse("""
        model_list:
          - {model_name: a, litellm_params: {model: openai/x, rpm: 10, tpm: 1000, max_parallel_requests: 2}}
        router_settings: {redis_host: 127.0.0.1, redis_password: "p@ss", queue_max_length: 5, queue_timeout: 2.5}
        general_settings: {max_parallel_requests: 50, global_max_parallel_requests: 20}
        """, Map.of("REDIS_PORT", "6380"));
    assertEquals(2, config.modelList().get(0).params().maxParallelRequests());
    assertEquals("redis://:p%40ss@127.0.0.1:6380", config.router().redis().connectionString());
    assertEquals("127.0.0.1:6380", config.router().redis().describe());
    assertEquals(5, config.router().queueMaxLength());
    assertEquals(2.5, config.router().queueTimeoutSeconds());
    assertEquals(20, config.general().proxyMaxParallelRequests());
    assertTrue(config.ignoredKeys().isEmpty(), config.ignoredKeys().toString());
    GatewayConfig fromEnv = parse("model_list: []\n", Map.of("REDIS_HOST", "cache", "REDIS_PASSWORD", "x"));
    assertEquals("redis://:x@cache:6379", fromEnv.router().redis().connectionString());
    assertEquals(null, parse("model_list: []\n", Map.of()).router().redis());
    assertEquals("redis://***@host:1", parse("router_settings: {redis_url: 'redis://u:secret@host:1'}\n", Map.of())
        .router().redis().describe(), "the password never in logs");
  }

  @Test
  void the_circuit_breaker_takes_a_failure_rate_over_a_minimum_volume_and_the_older_failure_threshold() {
    CircuitBreakerSettings defaults = parse("model_list: []\n", Map.of()).router().routing().breaker();
    assertEquals(CircuitBreakerSettings.defaults(), defaults);
    assertEquals(50, defaults.failureRatePercent());
    assertEquals(20, defaults.minimumRequests());
    CircuitBreakerSettings set = parse("router_settings: {circuit_breaker: {failure_rate_threshold: 25, "
        + "minimum_requests: 8, failure_window: 60, reset_timeout: 10, probe_interval: 2}}\n", Map.of())
        .router().routing().breaker();
    assertEquals(new CircuitBreakerSettings(25, 8, 60, 10, 2), set);
    assertEquals(3, parse("router_settings: {circuit_breaker: {failure_threshold: 3}}\n", Map.of())
        .router().routing().breaker().minimumRequests(), "the older key is the minimum volume");
    assertEquals(7, parse("router_settings: {circuit_breaker: {minimum_number_of_calls: 7}}\n", Map.of())
        .router().routing().breaker().minimumRequests(), "resilience4j's name");
    assertTrue(failure("router_settings: {circuit_breaker: {failure_rate_threshold: 150}}\n").contains("percentage"));
    assertTrue(failure("router_settings: {circuit_breaker: {max_failures: 3}}\n").contains("not a circuit_breaker setting"));
  }
}
