package dev.switchboard.config;

/**
 * The implemented part of {@code general_settings}.
 *
 * @param databaseUrl         {@code database_url} (or {@code DATABASE_URL}); null for the embedded
 *                            database, {@code none} to run without one (master key only)
 * @param embeddedDatabaseDir where the embedded database keeps its data
 */
public record GeneralSettings(EnvValue masterKey, String databaseUrl, double maxRequestSizeMb, String embeddedDatabaseDir) {

  public static final double DEFAULT_MAX_REQUEST_SIZE_MB = 10;
  public static final String DEFAULT_EMBEDDED_DATABASE_DIR = "data/postgres";
  static final String NO_DATABASE = "none";

  public long maxRequestSizeBytes() {
    return (long) (maxRequestSizeMb * 1024 * 1024);
  }

  /** Stateless: no database, virtual keys off, the master key alone. */
  public boolean withoutDatabase() {
    return NO_DATABASE.equalsIgnoreCase(databaseUrl);
  }
}
