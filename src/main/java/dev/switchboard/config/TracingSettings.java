package dev.switchboard.config;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * OpenTelemetry tracing, by LiteLLM's switches: {@code litellm_settings.callbacks: ["otel"]} and the
 * OTLP environment variables (from the process or the config's {@code environment_variables}).
 * Tracing is on when the callback is listed or an endpoint is set; otherwise there is none.
 *
 * @param endpoint    where spans are posted (OTLP/HTTP, protobuf): {@code OTEL_EXPORTER_OTLP_TRACES_ENDPOINT}
 *                    as given, else {@code OTEL_EXPORTER_OTLP_ENDPOINT} (or LiteLLM's {@code OTEL_ENDPOINT})
 *                    with {@code /v1/traces} added, else the OTLP default {@code http://localhost:4318/v1/traces}
 * @param headers     {@code OTEL_EXPORTER_OTLP_HEADERS} (or LiteLLM's {@code OTEL_HEADERS}): {@code k=v,k2=v2}, URL-encoded values
 * @param serviceName {@code OTEL_SERVICE_NAME}, default {@code switchboard}
 */
public record TracingSettings(String endpoint, Map<String, String> headers, String serviceName) {

  static final String DEFAULT_ENDPOINT = "http://localhost:4318";
  static final String TRACES_PATH = "/v1/traces";

  /** Null when tracing is off. */
  static TracingSettings read(YamlSection litellm, Function<String, String> env) {
    List<String> callbacks = litellm.stringList("callbacks");
    boolean otel = callbacks.stream().anyMatch(c -> c.trim().equalsIgnoreCase("otel"));
    String traces = set(env.apply("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"));
    String base = set(env.apply("OTEL_EXPORTER_OTLP_ENDPOINT"));
    if (base == null) {
      base = set(env.apply("OTEL_ENDPOINT"));
    }
    if (!otel && traces == null && base == null) {
      return null;
    }
    String protocol = set(env.apply("OTEL_EXPORTER_OTLP_PROTOCOL"));
    String exporter = set(env.apply("OTEL_EXPORTER"));
    if ((protocol != null && !protocol.equalsIgnoreCase("http/protobuf"))
        || (exporter != null && !exporter.equalsIgnoreCase("otlp_http"))) {
      throw new StartupException("Tracing sends OTLP over HTTP (protobuf) only, but OTEL_EXPORTER_OTLP_PROTOCOL="
          + protocol + (exporter == null ? "" : ", OTEL_EXPORTER=" + exporter) + ". Unset them (or set http/protobuf and "
          + "otlp_http) and point the endpoint at the collector's OTLP/HTTP port (4318 by default).");
    }
    String endpoint = traces != null ? traces : withTracesPath(base != null ? base : DEFAULT_ENDPOINT);
    if (!endpoint.startsWith("http://") && !endpoint.startsWith("https://")) {
      throw new StartupException("The OTLP endpoint must be an http:// or https:// URL, got '" + endpoint + "'.");
    }
    String headers = set(env.apply("OTEL_EXPORTER_OTLP_HEADERS"));
    String service = set(env.apply("OTEL_SERVICE_NAME"));
    return new TracingSettings(endpoint, headers(headers != null ? headers : set(env.apply("OTEL_HEADERS"))),
        service != null ? service : "switchboard");
  }

  private static String withTracesPath(String base) {
    String trimmed = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    return trimmed.endsWith(TRACES_PATH) ? trimmed : trimmed + TRACES_PATH;
  }

  private static Map<String, String> headers(String spec) {
    Map<String, String> out = new LinkedHashMap<>();
    if (spec == null) {
      return out;
    }
    for (String pair : spec.split(",")) {
      int eq = pair.indexOf('=');
      if (eq > 0) {
        out.put(pair.substring(0, eq).trim().toLowerCase(Locale.ROOT),
            URLDecoder.decode(pair.substring(eq + 1).trim(), StandardCharsets.UTF_8));
      }
    }
    return Map.copyOf(out);
  }

  private static String set(String value) {
    return value == null || value.isBlank() ? null : value.trim();
  }

  /** Never the header values: they are usually credentials. */
  @Override
  public String toString() {
    return "TracingSettings[endpoint=" + endpoint + ", headers=" + headers.keySet() + ", serviceName=" + serviceName + "]";
  }
}
