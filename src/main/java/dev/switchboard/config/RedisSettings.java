package dev.switchboard.config;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * The Redis that holds shared rate-limit counters: {@code router_settings.redis_url}, or
 * {@code redis_host}/{@code redis_port}/{@code redis_password} (each falling back to
 * {@code REDIS_HOST}/{@code REDIS_PORT}/{@code REDIS_PASSWORD}). The password never appears in
 * {@link #toString()} or {@link #describe()}.
 */
public record RedisSettings(String url, String host, int port, String password) {

  public static final int DEFAULT_PORT = 6379;

  /** The connection string for the Vert.x Redis client, password included. */
  public String connectionString() {
    if (url != null) {
      return url;
    }
    String auth = password == null ? "" : ":" + URLEncoder.encode(password, StandardCharsets.UTF_8) + "@";
    return "redis://" + auth + host + ":" + port;
  }

  /** Where, for logs and messages: never the password. */
  public String describe() {
    if (url != null) {
      return url.replaceFirst("//[^@/]*@", "//***@");
    }
    return host + ":" + port;
  }

  @Override
  public String toString() {
    return "RedisSettings[" + describe() + "]";
  }
}
