package dev.switchboard.config;

/**
 * The implemented part of {@code litellm_settings}; {@code requestTimeout} in seconds;
 * {@code sslVerify} false accepts any provider certificate (self-signed test servers only);
 * {@code maxToolCallBufferBytes} is the most the gateway holds of one stream event, such as a
 * tool-call argument fragment (arguments themselves are relayed, never accumulated);
 * {@code connectTimeout} (seconds) bounds opening a connection to a provider, within the call's own timeout;
 * {@code cache} is {@code cache}/{@code cache_params} (response caching).
 */
public record LitellmSettings(boolean dropParams, double requestTimeout, boolean sslVerify, int maxToolCallBufferBytes,
    double connectTimeout, CacheSettings cache) {

  public static final double DEFAULT_CONNECT_TIMEOUT = 10;

  public static final int DEFAULT_MAX_TOOL_CALL_BUFFER_BYTES = 1024 * 1024;

  /** LiteLLM's own default request timeout. */
  public static final double DEFAULT_REQUEST_TIMEOUT = 600;
}
