package dev.switchboard.config;

/**
 * The implemented part of {@code general_settings}.
 *
 * @param databaseUrl         {@code database_url} (or {@code DATABASE_URL}); null for the embedded
 *                            database, {@code none} to run without one (master key only)
 * @param embeddedDatabaseDir where the embedded database keeps its data
 * @param maxParallelRequests {@code max_parallel_requests}: requests in flight through this gateway at once, or null
 * @param globalMaxParallelRequests {@code global_max_parallel_requests}: the same; when both are set the smaller holds
 * @param databasePoolSize    {@code database_connection_pool_limit}: Postgres connections this gateway may hold
 * @param gracefulShutdownSeconds {@code graceful_shutdown_seconds}: how long a stopping gateway lets requests
 *                            and streams in flight finish before it closes their connections
 * @param server              the HTTP server's client timeouts and CORS
 * @param storeModelInDb      {@code store_model_in_db} (or LiteLLM's {@code STORE_MODEL_IN_DB}): deployments added
 *                            through {@code /model/new} are kept in Postgres and loaded at start
 * @param responsesStoreTtlSeconds {@code responses_store_ttl}: how long a translated Responses API answer
 *                            stays stored for {@code previous_response_id} and {@code GET /v1/responses/{id}}
 * @param batchPollIntervalSeconds {@code proxy_batch_polling_interval} (LiteLLM's name): how often the gateway
 *                            polls the batches it created for completion, to record their spend
 */
public record GeneralSettings(EnvValue masterKey, String databaseUrl, double maxRequestSizeMb, String embeddedDatabaseDir,
    Integer maxParallelRequests, Integer globalMaxParallelRequests, double gracefulShutdownSeconds,
    int databasePoolSize, ServerSettings server, boolean storeModelInDb, long responsesStoreTtlSeconds,
    long batchPollIntervalSeconds) {

  /** LiteLLM's default: once an hour. */
  public static final long DEFAULT_BATCH_POLL_INTERVAL_SECONDS = 3600;

  /** OpenAI keeps stored responses for 30 days; so does the gateway unless told otherwise. */
  public static final long DEFAULT_RESPONSES_STORE_TTL_SECONDS = 30L * 24 * 3600;

  public static final int DEFAULT_DATABASE_POOL_SIZE = 8;

  public static final double DEFAULT_GRACEFUL_SHUTDOWN_SECONDS = 30;

  public static final double DEFAULT_MAX_REQUEST_SIZE_MB = 10;
  public static final String DEFAULT_EMBEDDED_DATABASE_DIR = "data/postgres";
  static final String NO_DATABASE = "none";

  public long maxRequestSizeBytes() {
    return (long) (maxRequestSizeMb * 1024 * 1024);
  }

  /** The proxy-wide limit on requests in flight, or 0 for none. */
  public int proxyMaxParallelRequests() {
    int a = maxParallelRequests == null ? Integer.MAX_VALUE : maxParallelRequests;
    int b = globalMaxParallelRequests == null ? Integer.MAX_VALUE : globalMaxParallelRequests;
    return Math.min(a, b) == Integer.MAX_VALUE ? 0 : Math.min(a, b);
  }

  /** Stateless: no database, virtual keys off, the master key alone. */
  public boolean withoutDatabase() {
    return NO_DATABASE.equalsIgnoreCase(databaseUrl);
  }
}
