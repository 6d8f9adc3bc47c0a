package dev.switchboard.config;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.logging.Logger;

/**
 * How the HTTP server treats its clients: how long it waits for them, and which browser origins may
 * call it (CORS). Read from {@code general_settings}; the CORS keys fall back to LiteLLM's
 * environment variables {@code LITELLM_CORS_ORIGINS} and {@code LITELLM_CORS_ALLOW_CREDENTIALS}.
 *
 * @param headerTimeoutSeconds {@code client_header_timeout_seconds}: a new connection must deliver a whole request head
 *                             within this, else it is closed
 * @param bodyTimeoutSeconds   {@code client_body_timeout_seconds}: a request body must arrive whole within this after
 *                             its head, else the request is answered 408 and the connection closed
 * @param idleTimeoutSeconds   {@code client_idle_timeout_seconds}: a kept-alive connection with no request in flight is
 *                             closed after this (a request in flight, however long, is never cut by it)
 * @param corsOrigins          {@code cors_allow_origins}: the origins browsers may call from; {@code *} for any
 * @param corsCredentials      {@code cors_allow_credentials}: answer {@code Access-Control-Allow-Credentials: true};
 *                             only with listed origins, never with {@code *}
 * @param useXForwardedFor     {@code use_x_forwarded_for}: a request's client address (spend rows'
 *                             {@code requester_ip_address}) is the first in its {@code X-Forwarded-For} header when it
 *                             has one, as behind a load balancer; else the connection's peer
 * @param moderationModel      {@code moderation_model}: the model every {@code /v1/moderations} call goes to, over the
 *                             body's (as LiteLLM: the server's choice wins), or null
 * @param imageGenerationModel {@code image_generation_model}: the same for image generations and edits (a model named
 *                             in an Azure-style path still wins), or null
 */
public record ServerSettings(double headerTimeoutSeconds, double bodyTimeoutSeconds, double idleTimeoutSeconds,
    List<String> corsOrigins, boolean corsCredentials, boolean useXForwardedFor, String moderationModel,
    String imageGenerationModel) {

  private static final Logger LOG = Logger.getLogger(ServerSettings.class.getName());

  public static final double DEFAULT_HEADER_TIMEOUT_SECONDS = 15;
  public static final double DEFAULT_BODY_TIMEOUT_SECONDS = 30;
  public static final double DEFAULT_IDLE_TIMEOUT_SECONDS = 60;
  public static final String ANY_ORIGIN = "*";

  public boolean anyOrigin() {
    return corsOrigins.contains(ANY_ORIGIN);
  }

  static ServerSettings read(YamlSection general, Function<String, String> env) {
    double header = RoutingSettingsReader.positive(general, "client_header_timeout_seconds", DEFAULT_HEADER_TIMEOUT_SECONDS);
    double body = RoutingSettingsReader.positive(general, "client_body_timeout_seconds", DEFAULT_BODY_TIMEOUT_SECONDS);
    double idle = RoutingSettingsReader.positive(general, "client_idle_timeout_seconds", DEFAULT_IDLE_TIMEOUT_SECONDS);
    List<String> origins = general.has("cors_allow_origins") ? general.stringList("cors_allow_origins")
        : commaList(env.apply("LITELLM_CORS_ORIGINS"));
    origins = origins.stream().flatMap(o -> commaList(o).stream()).distinct().toList();
    if (origins.isEmpty()) {
      origins = List.of(ANY_ORIGIN);
    }
    for (String origin : origins) {
      if (!origin.equals(ANY_ORIGIN) && !origin.matches("https?://[^/\\s]+")) {
        throw new StartupException(general.path("cors_allow_origins") + " (or LITELLM_CORS_ORIGINS) must list origins "
            + "such as https://app.example.com (scheme, host and port, no path), or *; got '" + origin + "'");
      }
    }
    String credentialsEnv = env.apply("LITELLM_CORS_ALLOW_CREDENTIALS");
    boolean credentials = general.bool("cors_allow_credentials",
        credentialsEnv != null && credentialsEnv.trim().equalsIgnoreCase("true"));
    if (credentials && origins.contains(ANY_ORIGIN)) {
      // LiteLLM accepts this; refusing to start would break a drop-in switch, and honouring it would let
      // every web site use a visitor's credentials. Keys travel in headers, which need no credentials mode.
      LOG.warning(general.path("cors_allow_credentials") + " (or LITELLM_CORS_ALLOW_CREDENTIALS) is ignored while any "
          + "origin may call (cors_allow_origins: *): list the allowed origins in cors_allow_origins to allow credentials.");
      credentials = false;
    }
    return new ServerSettings(header, body, idle, origins, credentials, general.bool("use_x_forwarded_for", false),
        modelName(general, "moderation_model"), modelName(general, "image_generation_model"));
  }

  private static String modelName(YamlSection general, String key) {
    String name = general.string(key);
    return name == null || name.isBlank() ? null : name.trim();
  }

  private static List<String> commaList(String text) {
    List<String> out = new ArrayList<>();
    if (text != null) {
      for (String part : text.split(",")) {
        if (!part.isBlank()) {
          out.add(part.trim());
        }
      }
    }
    return out;
  }
}
