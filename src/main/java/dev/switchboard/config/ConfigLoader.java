package dev.switchboard.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * Reads LiteLLM's {@code config.yaml}. Every problem is a line that says where (file, line and
 * column, or the setting's path) and what to do; reading goes on past a bad value, so a file's
 * problems are all found at once and {@link #parse} fails with all of them in one
 * {@link StartupException}.
 */
public final class ConfigLoader {

  private static final String MASTER_KEY_PREFIX = "sk-";

  private final Function<String, String> processEnv;

  public ConfigLoader() {
    this(System::getenv);
  }

  /** @param processEnv the process environment; tests pass their own. */
  public ConfigLoader(Function<String, String> processEnv) {
    this.processEnv = processEnv;
  }

  public GatewayConfig load(Path file) {
    String text;
    try {
      text = Files.readString(file);
    } catch (NoSuchFileException e) {
      throw new StartupException("Config file not found: " + file + " (pass an existing file with --config PATH)");
    } catch (IOException e) {
      throw new StartupException("Cannot read config file " + file + ": " + e.getMessage());
    }
    return parse(text, file.toString());
  }

  /**
   * The config a file describes, or a StartupException listing every problem found in it (one for
   * a file that is not YAML).
   */
  public GatewayConfig parse(String yamlText, String source) {
    Reading reading = read(yamlText, source);
    if (!reading.problems().isEmpty()) {
      throw StartupException.of(reading.problems());
    }
    return reading.config();
  }

  /**
   * What a file says and every problem found in it. {@code config} is what could be read, the
   * settings with problems at their defaults (null when the file is not YAML or not a mapping):
   * good for {@code switchboard doctor}'s other checks, never to run a gateway on.
   */
  public record Reading(GatewayConfig config, List<ConfigProblem> problems) {
  }

  public Reading read(String yamlText, String source) {
    Object document;
    try {
      document = readYaml(yamlText, source);
    } catch (StartupException e) {
      return new Reading(null, e.problems());
    }
    Problems problems = new Problems();
    GatewayConfig config = problems.attempt("", () -> fromYaml(document, new ConfigSource(source, yamlText, processEnv),
        problems), () -> null);
    return new Reading(config, problems.list());
  }

  private static Object readYaml(String text, String source) {
    LoaderOptions options = new LoaderOptions();
    options.setAllowDuplicateKeys(false);
    try {
      return new Yaml(new SafeConstructor(options)).load(text);
    } catch (MarkedYAMLException e) {
      Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
      String where = mark == null ? source : source + ":" + (mark.getLine() + 1) + ":" + (mark.getColumn() + 1);
      String problem = e.getProblem() != null ? e.getProblem() : "invalid YAML";
      throw new StartupException(where + ": YAML syntax error: " + problem.replace('\n', ' '));
    } catch (YAMLException e) {
      throw new StartupException(source + ": YAML error: " + String.valueOf(e.getMessage()).replace('\n', ' '));
    }
  }

  /** The YAML document, or a StartupException naming the line and column of a syntax error. */
  public static Object document(String yamlText, String source) {
    return readYaml(yamlText, source);
  }

  private GatewayConfig fromYaml(Object document, ConfigSource origin, Problems problems) {
    String source = origin.name();
    if (document != null && !(document instanceof Map)) {
      throw new StartupException(source + ": the top level must be a mapping (model_list, general_settings, ...)");
    }
    // environment_variables are seen by every os.environ/ reference, before the process environment.
    Object declaredRaw = document == null ? null : ((Map<?, ?>) document).get("environment_variables");
    Map<String, String> declared = YamlSection.of("environment_variables", declaredRaw, processEnv, problems).strings();
    Function<String, String> env = name -> declared.containsKey(name) ? declared.get(name) : processEnv.apply(name);
    YamlSection root = YamlSection.of("", document, env, problems);
    root.raw("environment_variables");

    List<String> ignored = new ArrayList<>();
    List<DeploymentConfig> models = ModelListReader.read(root, ignored);
    YamlSection generalSection = root.section("general_settings");
    YamlSection litellmSection = root.section("litellm_settings");
    // Read first, so the sections below do not report these keys as ignored.
    String url = generalSection.string("database_url");
    url = url == null || url.isBlank() ? processEnv.apply("DATABASE_URL") : url;
    boolean externalDatabase = url != null && !url.isBlank() && !url.trim().equalsIgnoreCase(GeneralSettings.NO_DATABASE);
    // Each reader that finds a problem is recorded and read as its defaults, so the rest is still checked.
    SpendSettings spend = problems.attempt("general_settings", () -> SpendSettingsReader.read(generalSection,
        litellmSection, externalDatabase), () -> SpendSettingsReader.read(generalSection.empty(), litellmSection.empty(),
        externalDatabase));
    ClusterSettings cluster = problems.attempt("general_settings.cluster",
        () -> ClusterSettingsReader.read(generalSection, processEnv), () -> ClusterSettings.OFF);
    TracingSettings tracing = problems.attempt("litellm_settings", () -> TracingSettings.read(litellmSection, env),
        () -> TracingSettings.read(litellmSection.empty(), name -> null));
    CallbackSettings callbacks = problems.attempt("litellm_settings", () -> CallbackSettings.read(litellmSection, env),
        () -> CallbackSettings.NONE);
    AlertingSettings alerting = problems.attempt("general_settings.alerting",
        () -> AlertingSettings.read(generalSection, env), () -> null);
    ObservabilitySettings observability = new ObservabilitySettings(
        generalSection.bool("metrics_auth", false) || litellmSection.bool("require_auth_for_metrics_endpoint", false),
        litellmSection.bool("json_logs", false), tracing, generalSection.bool("vertx_http_metrics", false), callbacks,
        alerting);
    YamlSection routerSection = root.section("router_settings");
    RoutingSettings routing = problems.attempt("router_settings",
        () -> RoutingSettingsReader.read(routerSection, litellmSection, generalSection), RoutingSettings::defaults);
    ServerSettings server = problems.attempt("general_settings", () -> ServerSettings.read(generalSection, env),
        () -> ServerSettings.read(generalSection.empty(), name -> null));
    GeneralSettings general = general(generalSection, server, ignored);
    RouterSettings router = router(routerSection, routing, ignored);
    LitellmSettings litellm = litellm(litellmSection, router.redis(), ignored);
    List<GuardrailConfig> guardrails = GuardrailsReader.read(root);
    ignored.addAll(0, root.unread());
    return new GatewayConfig(List.copyOf(models), general, router, litellm, spend, cluster, List.copyOf(ignored),
        observability, origin, guardrails);
  }

  private GeneralSettings general(YamlSection section, ServerSettings server, List<String> ignored) {
    EnvValue masterKey = section.envString("master_key");
    if (masterKey.isMissingVariable()) {
      section.problem("master_key", "general_settings.master_key refers to os.environ/" + masterKey.unsetVariable()
          + ", which is not set; export it or remove master_key");
    }
    if (masterKey.isSet() && !masterKey.value().startsWith(MASTER_KEY_PREFIX)) {
      section.problem("master_key", "general_settings.master_key must start with 'sk-' (as LiteLLM requires); "
          + "the configured value does not");
    }
    String databaseUrl = section.string("database_url");
    if (databaseUrl == null || databaseUrl.isBlank()) {
      databaseUrl = processEnv.apply("DATABASE_URL");
    }
    String embeddedDir = section.string("embedded_database_dir");
    Double maxSize = section.number("max_request_size_mb");
    Integer maxParallel = section.positive("max_parallel_requests");
    Integer globalMaxParallel = section.positive("global_max_parallel_requests");
    if (maxSize != null && maxSize <= 0) {
      section.problem("max_request_size_mb", "general_settings.max_request_size_mb must be greater than 0, got "
          + maxSize);
      maxSize = null;
    }
    Double drain = section.number("graceful_shutdown_seconds");
    Integer poolSize = section.integer("database_connection_pool_limit");
    if (poolSize != null && poolSize < 1) {
      section.problem("database_connection_pool_limit",
          "general_settings.database_connection_pool_limit must be at least 1, got " + poolSize);
      poolSize = null;
    }
    if (drain != null && drain < 0) {
      section.problem("graceful_shutdown_seconds", "general_settings.graceful_shutdown_seconds must be 0 or more, got "
          + drain);
      drain = null;
    }
    String ttlText = section.string("responses_store_ttl");
    long responsesTtl = DurationText.seconds(ttlText);
    if (responsesTtl == 0) {
      section.problem("responses_store_ttl", "general_settings.responses_store_ttl must be a duration such as 30d, "
          + "12h or 30m, or a number of seconds above 0; got '" + ttlText + "'");
    }
    Integer batchPoll = section.positive("proxy_batch_polling_interval");
    boolean storeModelInDb = section.bool("store_model_in_db", false)
        || "true".equalsIgnoreCase(String.valueOf(processEnv.apply("STORE_MODEL_IN_DB")).trim());
    ignored.addAll(section.unread());
    return new GeneralSettings(masterKey, databaseUrl == null || databaseUrl.isBlank() ? null : databaseUrl.trim(),
        maxSize == null ? GeneralSettings.DEFAULT_MAX_REQUEST_SIZE_MB : maxSize,
        embeddedDir == null ? GeneralSettings.DEFAULT_EMBEDDED_DATABASE_DIR : embeddedDir, maxParallel, globalMaxParallel,
        drain == null ? GeneralSettings.DEFAULT_GRACEFUL_SHUTDOWN_SECONDS : drain,
        poolSize == null ? GeneralSettings.DEFAULT_DATABASE_POOL_SIZE : poolSize, server, storeModelInDb,
        responsesTtl < 0 ? GeneralSettings.DEFAULT_RESPONSES_STORE_TTL_SECONDS : responsesTtl,
        batchPoll == null ? GeneralSettings.DEFAULT_BATCH_POLL_INTERVAL_SECONDS : batchPoll);
  }

  private RouterSettings router(YamlSection section, RoutingSettings routing, List<String> ignored) {
    RedisSettings redis = redis(section);
    Integer queueMaxLength = section.integer("queue_max_length");
    if (queueMaxLength != null && queueMaxLength < 0) {
      section.problem("queue_max_length", section.path("queue_max_length") + " must not be negative, got "
          + queueMaxLength);
      queueMaxLength = null;
    }
    Double queueTimeout = section.number("queue_timeout");
    if (queueTimeout != null && queueTimeout <= 0) {
      section.problem("queue_timeout", section.path("queue_timeout") + " must be greater than 0, got " + queueTimeout);
      queueTimeout = null;
    }
    ignored.addAll(section.unread());
    return new RouterSettings(routing.strategy(), redis,
        queueMaxLength == null ? RouterSettings.DEFAULT_QUEUE_MAX_LENGTH : queueMaxLength,
        queueTimeout == null ? RouterSettings.DEFAULT_QUEUE_TIMEOUT_SECONDS : queueTimeout, routing);
  }

  /** {@code redis_url}, else {@code redis_host} (or REDIS_HOST) with port and password; null when neither is set. */
  private RedisSettings redis(YamlSection section) {
    String url = section.string("redis_url");
    String host = orEnv(section.string("redis_host"), "REDIS_HOST");
    String portText = orEnv(section.string("redis_port"), "REDIS_PORT");
    String password = orEnv(section.string("redis_password"), "REDIS_PASSWORD");
    if (url != null && !url.isBlank()) {
      if (!url.startsWith("redis://") && !url.startsWith("rediss://")) {
        section.problem("redis_url", section.path("redis_url") + " must start with redis:// or rediss://");
        return null;
      }
      return new RedisSettings(url.trim(), null, 0, null);
    }
    if (host == null || host.isBlank()) {
      return null;
    }
    int port = RedisSettings.DEFAULT_PORT;
    if (portText != null && !portText.isBlank()) {
      try {
        port = Integer.parseInt(portText.trim());
      } catch (NumberFormatException e) {
        section.problem("redis_port", section.path("redis_port") + " (or REDIS_PORT) must be a port number, got '"
            + portText + "'");
      }
    }
    return new RedisSettings(null, host.trim(), port, password == null || password.isEmpty() ? null : password);
  }

  private String orEnv(String configured, String variable) {
    return configured != null ? configured : processEnv.apply(variable);
  }

  private static LitellmSettings litellm(YamlSection section, RedisSettings redis, List<String> ignored) {
    boolean dropParams = section.bool("drop_params", false);
    Double requestTimeout = section.number("request_timeout");
    if (requestTimeout != null && requestTimeout <= 0) {
      section.problem("request_timeout", "litellm_settings.request_timeout must be greater than 0, got "
          + requestTimeout);
      requestTimeout = null;
    }
    boolean sslVerify = section.bool("ssl_verify", true);
    Integer maxBuffer = section.integer("max_tool_call_buffer_bytes");
    if (maxBuffer != null && maxBuffer < 1024) {
      section.problem("max_tool_call_buffer_bytes",
          "litellm_settings.max_tool_call_buffer_bytes must be at least 1024, got " + maxBuffer);
      maxBuffer = null;
    }
    Double connectTimeout = section.number("connect_timeout");
    if (connectTimeout != null && connectTimeout <= 0) {
      section.problem("connect_timeout", "litellm_settings.connect_timeout must be greater than 0, got "
          + connectTimeout);
      connectTimeout = null;
    }
    CacheSettings cache = CacheSettingsReader.read(section, redis);
    ignored.addAll(section.unread());
    return new LitellmSettings(dropParams,
        requestTimeout == null ? LitellmSettings.DEFAULT_REQUEST_TIMEOUT : requestTimeout, sslVerify,
        maxBuffer == null ? LitellmSettings.DEFAULT_MAX_TOOL_CALL_BUFFER_BYTES : maxBuffer,
        connectTimeout == null ? LitellmSettings.DEFAULT_CONNECT_TIMEOUT : connectTimeout, cache);
  }
}
