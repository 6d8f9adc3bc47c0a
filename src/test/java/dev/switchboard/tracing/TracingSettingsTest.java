package dev.switchboard.tracing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.config.ConfigLoader;
import dev.switchboard.config.StartupException;
import dev.switchboard.config.TracingSettings;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** When tracing is on, and where its spans go, by LiteLLM's switches and the OTLP environment variables. */
class TracingSettingsTest {

  private static TracingSettings read(String yaml, Map<String, String> env) {
    return new ConfigLoader(env::get).parse(yaml, "config.yaml").observability().tracing();
  }

  @Test
  void off_unless_the_otel_callback_or_an_endpoint_is_set() {
    assertNull(read("model_list: []\n", Map.of()));
    assertNull(read("litellm_settings: {callbacks: [prometheus]}\n", Map.of("OTEL_SERVICE_NAME", "x")));
  }

  @Test
  void the_otel_callback_alone_sends_to_the_otlp_default() {
    TracingSettings settings = read("litellm_settings: {callbacks: [\"otel\"]}\n", Map.of());
    assertEquals("http://localhost:4318/v1/traces", settings.endpoint());
    assertEquals("switchboard", settings.serviceName());
  }

  @Test
  void endpoints_from_the_environment_or_the_config_environment_variables() {
    assertEquals("http://collector:4318/v1/traces",
        read("model_list: []\n", Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318/")).endpoint());
    assertEquals("http://c:4318/custom", read("model_list: []\n",
        Map.of("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "http://c:4318/custom", "OTEL_ENDPOINT", "http://x")).endpoint());
    TracingSettings declared = read("""
        environment_variables: {OTEL_ENDPOINT: "https://otel.example/v1/traces", OTEL_HEADERS: "api-key=a%20b,x=1"}
        """, Map.of());
    assertEquals("https://otel.example/v1/traces", declared.endpoint());
    assertEquals(Map.of("api-key", "a b", "x", "1"), declared.headers());
    assertTrue(!declared.toString().contains("a b"), "header values are credentials: " + declared);
  }

  @Test
  void grpc_is_refused_with_the_fix() {
    StartupException e = assertThrows(StartupException.class, () -> read("model_list: []\n",
        Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://c:4317", "OTEL_EXPORTER_OTLP_PROTOCOL", "grpc")));
    assertTrue(e.getMessage().contains("4318"), e.getMessage());
  }
}
