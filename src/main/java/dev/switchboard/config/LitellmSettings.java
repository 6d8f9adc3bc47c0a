package dev.switchboard.config;

/** The implemented part of {@code litellm_settings}; {@code requestTimeout} in seconds. */
public record LitellmSettings(boolean dropParams, double requestTimeout) {

  /** LiteLLM's own default request timeout. */
  public static final double DEFAULT_REQUEST_TIMEOUT = 600;
}
