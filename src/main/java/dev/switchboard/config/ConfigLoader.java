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
 * Reads LiteLLM's {@code config.yaml}. Every problem becomes a {@link StartupException} whose one
 * line says where (file, line and column, or the setting's path) and what to do.
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

  public GatewayConfig parse(String yamlText, String source) {
    return fromYaml(readYaml(yamlText, source), new ConfigSource(source, yamlText, processEnv));
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

  private GatewayConfig fromYaml(Object document, ConfigSource origin) {
    String source = origin.name();
    if (document != null && !(document instanceof Map)) {
      throw new StartupException(source + ": the top level must be a mapping (model_list, general_settings, ...)");
    }
    // environment_variables are seen by every os.environ/ reference, before the process environment.
    Object declaredRaw = document == null ? null : ((Map<?, ?>) document).get("environment_variables");
    Map<String, String> declared = YamlSection.of("environment_variables", declaredRaw, processEnv).strings();
    Function<String, String> env = name -> declared.containsKey(name) ? declared.get(name) : processEnv.apply(name);
    YamlSection root = YamlSection.of("", document, env);
    root.raw("environment_variables");

    List<String> ignored = new ArrayList<>();
    List<DeploymentConfig> models = modelList(root, ignored);
    YamlSection generalSection = root.section("general_settings");
    YamlSection litellmSection = root.section("litellm_settings");
    // Read first, so the sections below do not report these keys as ignored.
    String url = generalSection.string("database_url");
    url = url == null || url.isBlank() ? processEnv.apply("DATABASE_URL") : url;
    boolean externalDatabase = url != null && !url.isBlank() && !url.trim().equalsIgnoreCase(GeneralSettings.NO_DATABASE);
    SpendSettings spend = SpendSettingsReader.read(generalSection, litellmSection, externalDatabase);
    ClusterSettings cluster = ClusterSettingsReader.read(generalSection, processEnv);
    ObservabilitySettings observability = new ObservabilitySettings(
        generalSection.bool("metrics_auth", false) || litellmSection.bool("require_auth_for_metrics_endpoint", false),
        litellmSection.bool("json_logs", false), TracingSettings.read(litellmSection, env));
    YamlSection routerSection = root.section("router_settings");
    RoutingSettings routing = RoutingSettingsReader.read(routerSection, litellmSection, generalSection);
    ServerSettings server = ServerSettings.read(generalSection, env);
    GeneralSettings general = general(generalSection, server, ignored);
    RouterSettings router = router(routerSection, routing, ignored);
    LitellmSettings litellm = litellm(litellmSection, ignored);
    ignored.addAll(0, root.unread());
    return new GatewayConfig(List.copyOf(models), general, router, litellm, spend, cluster, List.copyOf(ignored),
        observability, origin);
  }

  private static List<DeploymentConfig> modelList(YamlSection root, List<String> ignored) {
    List<Object> entries = root.list("model_list");
    List<DeploymentConfig> out = new ArrayList<>(entries.size());
    for (int i = 0; i < entries.size(); i++) {
      YamlSection entry = root.child("model_list[" + i + "]", entries.get(i));
      out.add(deployment(entry, ignored));
    }
    return out;
  }

  private static DeploymentConfig deployment(YamlSection entry, List<String> ignored) {
    String modelName = entry.requiredString("model_name");
    if (!entry.has("litellm_params")) {
      throw new StartupException(entry.path("litellm_params") + " is required (with at least 'model: provider/model')");
    }
    YamlSection params = entry.section("litellm_params");
    LitellmParams litellmParams = new LitellmParams(
        params.requiredString("model"),
        params.envString("api_base"),
        params.envString("api_key"),
        params.envString("api_version"),
        params.integer("rpm"),
        params.integer("tpm"),
        positive(params, "max_parallel_requests"),
        params.number("timeout"),
        params.number("stream_timeout"),
        params.integer("max_retries"),
        params.number("weight"),
        params.integer("order"),
        params.stringList("tags"),
        params.bool("drop_params", null),
        batch(params));
    YamlSection info = entry.section("model_info");
    ModelInfo modelInfo = new ModelInfo(
        info.string("id"),
        info.string("mode"),
        info.number("input_cost_per_token"),
        info.number("output_cost_per_token"),
        info.number("cache_read_input_token_cost"),
        info.integer("max_tokens"),
        info.integer("max_input_tokens"),
        info.integer("max_output_tokens"),
        info.string("base_model"),
        info.stringList("access_groups"));
    addOnce(ignored, entry.unread());
    addOnce(ignored, params.unread());
    addOnce(ignored, info.unread());
    return new DeploymentConfig(modelName, litellmParams, modelInfo);
  }

  private static BatchSettings batch(YamlSection params) {
    if (!params.has("batch")) {
      params.raw("batch");
      return null;
    }
    YamlSection batch = params.section("batch");
    Integer size = batch.integer("max_batch_size");
    Integer timeout = batch.integer("batch_timeout_ms");
    if ((size != null && size < 1) || (timeout != null && timeout < 0)) {
      throw new StartupException(batch.path("max_batch_size") + " must be at least 1 and "
          + batch.path("batch_timeout_ms") + " at least 0");
    }
    return new BatchSettings(size == null ? BatchSettings.DEFAULT_MAX_BATCH_SIZE : size,
        timeout == null ? BatchSettings.DEFAULT_BATCH_TIMEOUT_MS : timeout);
  }

  /** Per-deployment keys are reported once as {@code model_list[].x}, not once per deployment. */
  private static void addOnce(List<String> ignored, List<String> paths) {
    for (String path : paths) {
      String generic = path.replaceFirst("^model_list\\[\\d+]", "model_list[]");
      if (!ignored.contains(generic)) {
        ignored.add(generic);
      }
    }
  }

  private GeneralSettings general(YamlSection section, ServerSettings server, List<String> ignored) {
    EnvValue masterKey = section.envString("master_key");
    if (masterKey.isMissingVariable()) {
      throw new StartupException("general_settings.master_key refers to os.environ/" + masterKey.unsetVariable()
          + ", which is not set; export it or remove master_key");
    }
    if (masterKey.isSet() && !masterKey.value().startsWith(MASTER_KEY_PREFIX)) {
      throw new StartupException("general_settings.master_key must start with 'sk-' (as LiteLLM requires); "
          + "the configured value does not");
    }
    String databaseUrl = section.string("database_url");
    if (databaseUrl == null || databaseUrl.isBlank()) {
      databaseUrl = processEnv.apply("DATABASE_URL");
    }
    String embeddedDir = section.string("embedded_database_dir");
    Double maxSize = section.number("max_request_size_mb");
    Integer maxParallel = positive(section, "max_parallel_requests");
    Integer globalMaxParallel = positive(section, "global_max_parallel_requests");
    if (maxSize != null && maxSize <= 0) {
      throw new StartupException("general_settings.max_request_size_mb must be greater than 0, got " + maxSize);
    }
    Double drain = section.number("graceful_shutdown_seconds");
    Integer poolSize = section.integer("database_connection_pool_limit");
    if (poolSize != null && poolSize < 1) {
      throw new StartupException("general_settings.database_connection_pool_limit must be at least 1, got " + poolSize);
    }
    if (drain != null && drain < 0) {
      throw new StartupException("general_settings.graceful_shutdown_seconds must be 0 or more, got " + drain);
    }
    ignored.addAll(section.unread());
    return new GeneralSettings(masterKey, databaseUrl == null || databaseUrl.isBlank() ? null : databaseUrl.trim(),
        maxSize == null ? GeneralSettings.DEFAULT_MAX_REQUEST_SIZE_MB : maxSize,
        embeddedDir == null ? GeneralSettings.DEFAULT_EMBEDDED_DATABASE_DIR : embeddedDir, maxParallel, globalMaxParallel,
        drain == null ? GeneralSettings.DEFAULT_GRACEFUL_SHUTDOWN_SECONDS : drain,
        poolSize == null ? GeneralSettings.DEFAULT_DATABASE_POOL_SIZE : poolSize, server);
  }

  private static Integer positive(YamlSection section, String key) {
    Integer value = section.integer(key);
    if (value != null && value < 1) {
      throw new StartupException(section.path(key) + " must be at least 1, got " + value);
    }
    return value;
  }

  private RouterSettings router(YamlSection section, RoutingSettings routing, List<String> ignored) {
    RedisSettings redis = redis(section);
    Integer queueMaxLength = section.integer("queue_max_length");
    if (queueMaxLength != null && queueMaxLength < 0) {
      throw new StartupException(section.path("queue_max_length") + " must not be negative, got " + queueMaxLength);
    }
    Double queueTimeout = section.number("queue_timeout");
    if (queueTimeout != null && queueTimeout <= 0) {
      throw new StartupException(section.path("queue_timeout") + " must be greater than 0, got " + queueTimeout);
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
        throw new StartupException(section.path("redis_url") + " must start with redis:// or rediss://");
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
        throw new StartupException(section.path("redis_port") + " (or REDIS_PORT) must be a port number, got '"
            + portText + "'");
      }
    }
    return new RedisSettings(null, host.trim(), port, password == null || password.isEmpty() ? null : password);
  }

  private String orEnv(String configured, String variable) {
    return configured != null ? configured : processEnv.apply(variable);
  }

  private static LitellmSettings litellm(YamlSection section, List<String> ignored) {
    boolean dropParams = section.bool("drop_params", false);
    Double requestTimeout = section.number("request_timeout");
    if (requestTimeout != null && requestTimeout <= 0) {
      throw new StartupException("litellm_settings.request_timeout must be greater than 0, got " + requestTimeout);
    }
    boolean sslVerify = section.bool("ssl_verify", true);
    Integer maxBuffer = section.integer("max_tool_call_buffer_bytes");
    if (maxBuffer != null && maxBuffer < 1024) {
      throw new StartupException("litellm_settings.max_tool_call_buffer_bytes must be at least 1024, got " + maxBuffer);
    }
    Double connectTimeout = section.number("connect_timeout");
    if (connectTimeout != null && connectTimeout <= 0) {
      throw new StartupException("litellm_settings.connect_timeout must be greater than 0, got " + connectTimeout);
    }
    ignored.addAll(section.unread());
    return new LitellmSettings(dropParams,
        requestTimeout == null ? LitellmSettings.DEFAULT_REQUEST_TIMEOUT : requestTimeout, sslVerify,
        maxBuffer == null ? LitellmSettings.DEFAULT_MAX_TOOL_CALL_BUFFER_BYTES : maxBuffer,
        connectTimeout == null ? LitellmSettings.DEFAULT_CONNECT_TIMEOUT : connectTimeout);
  }
}
