package dev.switchboard.ingress;

import dev.switchboard.config.ServerSettings;
import dev.switchboard.errors.ErrorResponses;
import dev.switchboard.errors.ErrorClass;
import dev.switchboard.errors.GatewayError;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.CorsHandler;
import java.util.Set;

/**
 * Browser calls from other origins (CORS), as LiteLLM allows them: any origin by default, without
 * credentials; or the listed origins, with credentials when asked for. Preflights are answered 204;
 * a request's own headers are allowed back (Authorization, x-api-key, the SDKs' x-stainless-*), and
 * the gateway's response headers are readable by the page.
 */
final class Cors {

  private static final Set<HttpMethod> METHODS = Set.of(HttpMethod.GET, HttpMethod.POST, HttpMethod.PUT,
      HttpMethod.PATCH, HttpMethod.DELETE, HttpMethod.HEAD, HttpMethod.OPTIONS);
  /** What a page may read of an answer, besides the CORS-safelisted headers. */
  private static final Set<String> EXPOSED = Set.of("x-litellm-call-id", "x-litellm-response-cost",
      "x-litellm-model-id", "x-litellm-model-group", "x-litellm-attempted-retries", "x-litellm-attempted-fallbacks",
      "x-ratelimit-limit-requests", "x-ratelimit-remaining-requests", "x-ratelimit-reset-requests",
      "x-ratelimit-limit-tokens", "x-ratelimit-remaining-tokens", "x-ratelimit-reset-tokens", "retry-after");
  /** How long a browser may reuse a preflight's answer. */
  private static final int MAX_AGE_SECONDS = 600;

  private Cors() {
  }

  static CorsHandler handler(ServerSettings settings) {
    CorsHandler cors = CorsHandler.create().allowedMethods(METHODS).exposedHeaders(EXPOSED)
        .maxAgeSeconds(MAX_AGE_SECONDS);
    if (!settings.anyOrigin()) {
      cors.addOrigins(settings.corsOrigins()).allowCredentials(settings.corsCredentials());
    }
    return cors;
  }

  /** A browser call from an origin not in {@code cors_allow_origins} (the CORS handler's 403). */
  static void refused(RoutingContext ctx) {
    ErrorResponses.write(ctx.response(), GatewayError.of(ErrorClass.PERMISSION_DENIED, "origin_not_allowed", "Calls from origin '" + ctx.request().getHeader("Origin") + "' are not allowed. An admin can add it to "
            + "general_settings.cors_allow_origins."));
  }
}
