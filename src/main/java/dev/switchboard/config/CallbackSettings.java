package dev.switchboard.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.logging.Logger;

/**
 * Logging callbacks, by LiteLLM's switches: {@code litellm_settings.success_callback},
 * {@code failure_callback} and {@code callbacks} (both outcomes) name the sinks; each sink reads
 * LiteLLM's environment variables. {@code otel} and {@code prometheus} are served elsewhere
 * (tracing, /metrics); other names are reported once and ignored.
 *
 * @param sinks                   the configured sinks, each with the outcomes it receives
 * @param turnOffMessageLogging   {@code litellm_settings.turn_off_message_logging}: no prompt or answer text in any event
 * @param queueSize               events each sink holds while it is behind; more are dropped and counted
 * @param batchSize               events per post
 * @param flushIntervalMs         the longest an event waits for its batch
 */
public record CallbackSettings(List<Sink> sinks, boolean turnOffMessageLogging, int queueSize, int batchSize,
    long flushIntervalMs) {

  public static final CallbackSettings NONE = new CallbackSettings(List.of(), false, 0, 0, 0);
  static final int DEFAULT_QUEUE_SIZE = 5_000;
  static final int DEFAULT_BATCH_SIZE = 512;
  static final long DEFAULT_FLUSH_INTERVAL_MS = 5_000;
  private static final Logger LOG = Logger.getLogger(CallbackSettings.class.getName());
  private static final List<String> SERVED_ELSEWHERE = List.of("otel", "prometheus");

  /** The sink kinds Switchboard implements, by LiteLLM's callback names. */
  public enum Kind { LANGFUSE, DATADOG, GENERIC_API, S3, GCS_BUCKET }

  /**
   * One sink: where it posts and with which headers (credentials included: never logged).
   *
   * @param url     the full URL events are posted to
   * @param headers sent with each post
   * @param extra   sink-specific settings (Datadog's source, service, tags)
   */
  public record Sink(Kind kind, String url, Map<String, String> headers, Map<String, String> extra, boolean onSuccess,
      boolean onFailure) {

    /** Never the header values: they are credentials. */
    @Override
    public String toString() {
      return "Sink[" + kind + " " + url + " headers=" + headers.keySet() + "]";
    }
  }

  public boolean isEmpty() {
    return sinks.isEmpty();
  }

  static CallbackSettings read(YamlSection litellm, Function<String, String> env) {
    List<String> success = names(litellm.stringList("success_callback"));
    List<String> failure = names(litellm.stringList("failure_callback"));
    List<String> both = names(litellm.stringList("callbacks"));
    boolean turnOff = litellm.bool("turn_off_message_logging", false);
    Integer queue = litellm.positive("callback_queue_size");
    Integer batch = litellm.positive("callback_batch_size");
    Double flush = litellm.number("callback_flush_interval");
    List<String> all = new ArrayList<>(both);
    success.stream().filter(n -> !all.contains(n)).forEach(all::add);
    failure.stream().filter(n -> !all.contains(n)).forEach(all::add);
    List<Sink> sinks = new ArrayList<>();
    List<String> unknown = new ArrayList<>();
    for (String name : all) {
      boolean onSuccess = both.contains(name) || success.contains(name);
      boolean onFailure = both.contains(name) || failure.contains(name);
      Sink sink = switch (name) {
        case "langfuse" -> langfuse(env, onSuccess, onFailure);
        case "datadog" -> datadog(env, onSuccess, onFailure);
        case "generic_api", "generic", "custom_callback_api" -> generic(env, onSuccess, onFailure);
        case "s3" -> BucketSinks.s3(litellm.section("s3_callback_params"), env, onSuccess, onFailure);
        case "gcs_bucket" -> BucketSinks.gcs(env, onSuccess, onFailure);
        default -> null;
      };
      if (sink != null) {
        sinks.add(sink);
      } else if (!SERVED_ELSEWHERE.contains(name)) {
        unknown.add(name);
      }
    }
    if (!unknown.isEmpty()) {
      LOG.warning("Logging callbacks Switchboard does not implement are ignored: " + String.join(", ", unknown)
          + " (implemented: langfuse, datadog, generic_api, s3, gcs_bucket, otel)");
    }
    if (sinks.isEmpty() && !turnOff) {
      return NONE;
    }
    return new CallbackSettings(List.copyOf(sinks), turnOff, queue == null ? DEFAULT_QUEUE_SIZE : queue,
        batch == null ? DEFAULT_BATCH_SIZE : batch,
        flush == null || flush <= 0 ? DEFAULT_FLUSH_INTERVAL_MS : Math.round(flush * 1000));
  }

  private static List<String> names(List<String> raw) {
    return raw.stream().map(n -> n.trim().toLowerCase(Locale.ROOT)).filter(n -> !n.isEmpty()).toList();
  }

  /** Langfuse's public ingestion API, with basic auth (public key : secret key). */
  private static Sink langfuse(Function<String, String> env, boolean onSuccess, boolean onFailure) {
    String publicKey = required(env, "LANGFUSE_PUBLIC_KEY", "langfuse");
    String secretKey = required(env, "LANGFUSE_SECRET_KEY", "langfuse");
    String host = set(env.apply("LANGFUSE_HOST"));
    String base = host == null ? "https://cloud.langfuse.com" : host;
    String auth = java.util.Base64.getEncoder().encodeToString((publicKey + ":" + secretKey)
        .getBytes(java.nio.charset.StandardCharsets.UTF_8));
    return new Sink(Kind.LANGFUSE, url(trimSlash(base) + "/api/public/ingestion", "LANGFUSE_HOST"),
        Map.of("authorization", "Basic " + auth), Map.of(), onSuccess, onFailure);
  }

  /** Datadog's logs intake (v2), keyed by {@code DD-API-KEY}; {@code DD_BASE_URL} replaces the site's host. */
  private static Sink datadog(Function<String, String> env, boolean onSuccess, boolean onFailure) {
    String apiKey = required(env, "DD_API_KEY", "datadog");
    String base = set(env.apply("DD_BASE_URL"));
    if (base == null) {
      base = "https://http-intake.logs." + required(env, "DD_SITE", "datadog");
    }
    Map<String, String> extra = new LinkedHashMap<>();
    extra.put("source", orDefault(env.apply("DD_SOURCE"), "litellm"));
    extra.put("service", orDefault(env.apply("DD_SERVICE"), "litellm-server"));
    extra.put("env", orDefault(env.apply("DD_ENV"), "unknown"));
    extra.put("version", orDefault(env.apply("DD_VERSION"), "unknown"));
    extra.put("hostname", orDefault(env.apply("HOSTNAME"), ""));
    extra.put("pod", orDefault(env.apply("POD_NAME"), "unknown"));
    return new Sink(Kind.DATADOG, url(trimSlash(base) + "/api/v2/logs", "DD_BASE_URL / DD_SITE"),
        Map.of("dd-api-key", apiKey), Map.copyOf(extra), onSuccess, onFailure);
  }

  /** Any HTTP endpoint: a JSON array of events, with {@code GENERIC_LOGGER_HEADERS} ({@code Name=value,Name2=value2}). */
  private static Sink generic(Function<String, String> env, boolean onSuccess, boolean onFailure) {
    String endpoint = required(env, "GENERIC_LOGGER_ENDPOINT", "generic_api");
    Map<String, String> headers = new LinkedHashMap<>();
    String spec = set(env.apply("GENERIC_LOGGER_HEADERS"));
    if (spec != null) {
      for (String pair : spec.split(",")) {
        int eq = pair.indexOf('=');
        if (eq > 0) {
          headers.put(pair.substring(0, eq).trim().toLowerCase(Locale.ROOT), pair.substring(eq + 1).trim());
        }
      }
    }
    return new Sink(Kind.GENERIC_API, url(endpoint, "GENERIC_LOGGER_ENDPOINT"), Map.copyOf(headers), Map.of(),
        onSuccess, onFailure);
  }

  static String required(Function<String, String> env, String name, String callback) {
    String value = set(env.apply(name));
    if (value == null) {
      throw new StartupException("litellm_settings lists the '" + callback + "' callback, but " + name
          + " is not set; export it (or set it under environment_variables) or remove the callback");
    }
    return value;
  }

  static String url(String url, String variable) {
    if (!url.startsWith("http://") && !url.startsWith("https://")) {
      throw new StartupException(variable + " must give an http:// or https:// URL, got '" + url + "'");
    }
    return url;
  }

  static String trimSlash(String base) {
    return base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
  }

  static String orDefault(String value, String fallback) {
    String set = set(value);
    return set == null ? fallback : set;
  }

  static String set(String value) {
    return value == null || value.isBlank() ? null : value.trim();
  }
}
