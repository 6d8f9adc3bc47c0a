package dev.switchboard.config;

/** The implemented part of {@code general_settings}. */
public record GeneralSettings(EnvValue masterKey, EnvValue databaseUrl, double maxRequestSizeMb) {

  public static final double DEFAULT_MAX_REQUEST_SIZE_MB = 10;

  public long maxRequestSizeBytes() {
    return (long) (maxRequestSizeMb * 1024 * 1024);
  }
}
