package dev.switchboard.doctor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.config.ConfigSource;
import dev.switchboard.testing.Gateways;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** switchboard doctor passes a good config and finds each misconfiguration planted in a bad one. */
@ExtendWith(VertxExtension.class)
class DoctorTest {

  static final String GOOD_KEY = "sk-provider-good-key-123";

  private HttpServer provider;

  /** A provider that lists its models for the right key and refuses any other. */
  @BeforeEach
  void startProvider(Vertx vertx, VertxTestContext ctx) {
    provider = vertx.createHttpServer().requestHandler(request -> {
      boolean good = ("Bearer " + GOOD_KEY).equals(request.getHeader("authorization"));
      if (!request.path().equals("/v1/models")) {
        request.response().setStatusCode(404).end();
      } else {
        request.response().setStatusCode(good ? 200 : 401).end(good ? "{\"data\":[]}" : "{\"error\":{}}");
      }
    });
    provider.listen(0, "127.0.0.1").onComplete(ctx.succeedingThenComplete());
  }

  @AfterEach
  void stopProvider(VertxTestContext ctx) {
    provider.close().onComplete(ctx.succeedingThenComplete());
  }

  private String base() {
    return "http://127.0.0.1:" + provider.actualPort() + "/v1";
  }

  private static Future<Report> doctor(Vertx vertx, String yaml, Map<String, String> env, Doctor.Options options) {
    return new Doctor(vertx, new ConfigSource("test.yaml", yaml, env::get), null).run(options);
  }

  private static Check find(Report report, String name, Check.Status status) {
    return report.checks().stream().filter(c -> c.name().equals(name) && c.status() == status).findFirst()
        .orElseThrow(() -> new AssertionError("no " + status + " " + name + " in\n" + report.table()));
  }

  @Test
  void a_good_config_passes_every_check(Vertx vertx, VertxTestContext ctx) {
    String yaml = """
        model_list:
          - model_name: chat
            litellm_params: {model: openai/gpt-4o-mini, api_base: "%s", api_key: os.environ/PROVIDER_KEY, rpm: 100}
          - model_name: chat-backup
            litellm_params: {model: openai/gpt-4o, api_base: "%1$s", api_key: os.environ/PROVIDER_KEY}
            model_info: {access_groups: [beta]}
        router_settings:
          fallbacks: [{chat: [chat-backup]}]
          model_group_alias: {gpt-4o-mini: chat}
        general_settings: {master_key: os.environ/MASTER, database_url: none}
        """.formatted(base());
    Map<String, String> env = Map.of("PROVIDER_KEY", GOOD_KEY, "MASTER", "sk-a-long-random-master-key-0123456789");
    doctor(vertx, yaml, env, new Doctor.Options(false, "127.0.0.1", Gateways.freePort()))
        .onComplete(ctx.succeeding(report -> ctx.verify(() -> {
          assertFalse(report.failed(), report.table());
          assertEquals(0, report.count(Check.Status.WARN), report.table());
          assertEquals(2, report.checks().stream().filter(c -> c.name().startsWith("deployment ")
              && c.status() == Check.Status.OK && c.detail().contains("accepts the key")).count(), report.table());
          find(report, "fallbacks", Check.Status.OK);
          find(report, "port", Check.Status.OK);
          find(report, "redis", Check.Status.OK);
          ctx.completeNow();
        })));
  }

  @Test
  void each_planted_misconfiguration_is_found_with_its_fix(Vertx vertx, VertxTestContext ctx) throws IOException {
    ServerSocket held = new ServerSocket();
    held.bind(new InetSocketAddress("127.0.0.1", 0));
    int closed = Gateways.freePort();
    String yaml = """
        model_list:
          - model_name: chat
            litellm_params: {model: openai/gpt-4o-mini, api_base: "%1$s", api_key: sk-wrong-key-000, rpm: 0}
            model_info: {id: dup}
          - model_name: chat
            litellm_params: {model: openai/gpt-4o, api_base: "http://127.0.0.1:%2$d/v1", api_key: os.environ/SB_DOCTOR_UNSET}
            model_info: {id: dup}
          - model_name: down
            litellm_params: {model: openai/gpt-4o, api_base: "http://127.0.0.1:%2$d/v1", api_key: sk-x}
        router_settings:
          fallbacks: [{chat: [gpt-5-does-not-exist]}]
          model_group_alias: {fast: no-such-group}
          redis_host: 127.0.0.1
          redis_port: %2$d
        litellm_settings: {max_budget: 0}
        general_settings: {master_key: sk-short, database_url: "postgresql://u:hunter2@127.0.0.1:%2$d/db"}
        """.formatted(base(), closed);
    doctor(vertx, yaml, Map.of(), new Doctor.Options(false, "127.0.0.1", held.getLocalPort()))
        .onComplete(ctx.succeeding(report -> ctx.verify(() -> {
          held.close();
          assertTrue(report.failed());
          String table = report.table();
          assertTrue(find(report, "env SB_DOCTOR_UNSET", Check.Status.FAIL).detail().contains("model_list[1]"), table);
          assertTrue(find(report, "master_key", Check.Status.WARN).detail().contains("easy to guess"), table);
          assertTrue(find(report, "model_info.id dup", Check.Status.FAIL).fix().contains("own model_info.id"), table);
          assertTrue(find(report, "alias fast", Check.Status.FAIL).detail().contains("no-such-group"), table);
          assertTrue(find(report, "fallbacks", Check.Status.FAIL).detail()
              .startsWith("No fallback model group found"), table);
          assertTrue(find(report, "limits", Check.Status.FAIL).detail().contains("rpm is 0"), table);
          assertTrue(find(report, "budgets", Check.Status.FAIL).detail().contains("max_budget"), table);
          Check port = find(report, "port", Check.Status.FAIL);
          assertTrue(port.detail().contains("already in use by pid " + ProcessHandle.current().pid()), table);
          assertTrue(find(report, "redis", Check.Status.FAIL).detail().startsWith("Redis connection error"), table);
          Check database = find(report, "database", Check.Status.FAIL);
          assertTrue(database.detail().contains("cannot connect"), table);
          List<Check> deployments = report.checks().stream().filter(c -> c.name().startsWith("deployment")).toList();
          assertTrue(deployments.stream().anyMatch(c -> c.detail().contains("rejects the key (HTTP 401)")), table);
          assertTrue(deployments.stream().anyMatch(c -> c.detail().contains("SB_DOCTOR_UNSET")), table);
          assertTrue(deployments.stream().anyMatch(c -> c.detail().startsWith("nothing answers at")), table);
          assertFalse(table.contains("hunter2") || table.contains("sk-wrong-key-000"), "no secret in the report");
          ctx.completeNow();
        })));
  }

  @Test
  void a_yaml_error_is_reported_with_line_and_column(Vertx vertx, VertxTestContext ctx) {
    doctor(vertx, "model_list:\n  - model_name: [oops\n", Map.of(), new Doctor.Options(true, "127.0.0.1", -1))
        .onComplete(ctx.succeeding(report -> ctx.verify(() -> {
          Check config = find(report, "config", Check.Status.FAIL);
          assertTrue(config.detail().matches("test\\.yaml:\\d+:\\d+: YAML syntax error.*"), config.detail());
          ctx.completeNow();
        })));
  }

  @Test
  void offline_skips_the_provider_probes(Vertx vertx, VertxTestContext ctx) {
    String yaml = """
        model_list:
          - {model_name: chat, litellm_params: {model: openai/gpt-4o, api_base: "http://127.0.0.1:1/v1", api_key: sk-x}}
        general_settings: {master_key: sk-a-long-random-master-key-0123456789, database_url: none}
        """;
    doctor(vertx, yaml, Map.of(), new Doctor.Options(true, "127.0.0.1", -1))
        .onComplete(ctx.succeeding(report -> ctx.verify(() -> {
          assertFalse(report.failed(), report.table());
          assertTrue(find(report, "deployments", Check.Status.OK).detail().contains("--offline"));
          ctx.completeNow();
        })));
  }
}
