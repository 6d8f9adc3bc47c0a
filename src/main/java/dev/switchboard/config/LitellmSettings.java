package dev.switchboard.config;

/**
 * The implemented part of {@code litellm_settings}; {@code requestTimeout} in seconds;
 * {@code sslVerify} false accepts any provider certificate (self-signed test servers only).
 */
public record LitellmSettings(boolean dropParams, double requestTimeout, boolean sslVerify) {

  /** LiteLLM's own default request timeout. */
  public static final double DEFAULT_REQUEST_TIMEOUT = 600;
}
