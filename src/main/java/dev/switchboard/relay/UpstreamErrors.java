package dev.switchboard.relay;

import dev.switchboard.errors.GatewayError;
import dev.switchboard.provider.Deployment;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ConnectionPoolTooBusyException;
import io.vertx.core.json.JsonObject;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import javax.net.ssl.SSLException;

/**
 * Maps what went wrong upstream to what the client gets: statuses as the gateway contract says
 * (4xx kept, 429 kept with Retry-After, 5xx → 502, no connection → 503, timeout → 408), and
 * messages with every secret scrubbed out.
 */
final class UpstreamErrors {

  private static final int MAX_MESSAGE = 1000;
  private static final Pattern SECRET_KEY = Pattern.compile("(sk|rk|pk|gsk|key)[-_][A-Za-z0-9_\\-]{8,}");
  private static final Pattern BEARER = Pattern.compile("(?i)bearer\\s+[^\\s\"',]+");
  private static final Pattern HEX_HASH = Pattern.compile("\\b[0-9a-fA-F]{40,}\\b");

  private UpstreamErrors() {
  }

  static GatewayError fromResponse(Deployment deployment, int status, MultiMap headers, Buffer body) {
    JsonObject upstreamError = errorObject(body);
    String detail = upstreamError == null ? null : upstreamError.getValue("message") instanceof String m ? m : null;
    if (detail == null && body != null && body.length() > 0 && upstreamError == null) {
      detail = body.getString(0, Math.min(body.length(), MAX_MESSAGE));
    }
    detail = detail == null ? "no details given" : sanitize(deployment, detail);
    String who = deployment.describe();
    if (status == 429) {
      String retryAfter = retryAfter(headers);
      return new GatewayError(429, "rate_limit_error", "rate_limit_exceeded", null,
          "The provider rate-limited " + who + ": " + detail
              + (retryAfter == null ? ". Retry later." : ". Retry after " + retryAfter + " s."),
          retryAfter);
    }
    if (status >= 400 && status < 500) {
      String type = upstreamError != null && upstreamError.getValue("type") instanceof String t ? t : "invalid_request_error";
      String code = upstreamError != null && upstreamError.getValue("code") instanceof String c ? c : null;
      String param = upstreamError != null && upstreamError.getValue("param") instanceof String p ? p : null;
      String prefix = status == 401 || status == 403
          ? "The provider refused the gateway's credentials for " + who + " (" + status + "): "
          : "The provider rejected the request to " + who + " (" + status + "): ";
      return new GatewayError(status, sanitize(deployment, type), sanitize(deployment, code), param, prefix + detail, null);
    }
    return new GatewayError(502, "upstream_error", "upstream_server_error", null,
        "The provider failed for " + who + " (HTTP " + status + "): " + detail + ". Retry, or try another model.",
        null);
  }

  static GatewayError fromException(Deployment deployment, Throwable failure, long timeoutMs) {
    if (failure instanceof GatewayError error) {
      return error;
    }
    String who = deployment.describe();
    if (isTimeout(failure)) {
      return new GatewayError(408, "timeout", "timeout", null,
          "The provider did not answer " + who + " within " + (timeoutMs / 1000.0) + " s. Retry, or raise "
              + "timeout / stream_timeout in the deployment's litellm_params.", null);
    }
    if (failure instanceof ConnectException || failure instanceof UnknownHostException
        || failure instanceof SSLException) {
      return new GatewayError(503, "service_unavailable", "upstream_unreachable", null,
          "Cannot connect to the provider for " + who + " (" + failure.getClass().getSimpleName() + ": "
              + sanitize(deployment, failure.getMessage()) + "). Check api_base and the network, then retry.", null);
    }
    if (failure instanceof ConnectionPoolTooBusyException) {
      return new GatewayError(503, "service_unavailable", "upstream_pool_exhausted", null,
          "Too many requests are waiting for a connection to the provider for " + who + ". Retry shortly.", "1");
    }
    return new GatewayError(502, "upstream_error", "upstream_connection_error", null,
        "The connection to the provider for " + who + " failed before the answer was complete ("
            + failure.getClass().getSimpleName() + "). Retry.", null);
  }

  /** A timeout, or a reset whose cause was one (how the relay's own deadlines end a request). */
  private static boolean isTimeout(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof TimeoutException) {
        return true;
      }
    }
    return false;
  }

  /** Seconds to wait, from {@code Retry-After} or {@code retry-after-ms}, or null. */
  static String retryAfter(MultiMap headers) {
    String seconds = headers.get("retry-after");
    if (seconds != null && !seconds.isBlank()) {
      return seconds.trim();
    }
    String millis = headers.get("retry-after-ms");
    if (millis != null) {
      try {
        return String.valueOf((long) Math.ceil(Double.parseDouble(millis.trim()) / 1000.0));
      } catch (NumberFormatException ignored) {
        return null;
      }
    }
    return null;
  }

  private static JsonObject errorObject(Buffer body) {
    if (body == null || body.length() == 0) {
      return null;
    }
    try {
      JsonObject json = new JsonObject(body);
      Object error = json.getValue("error");
      if (error instanceof JsonObject object) {
        return object;
      }
      if (error instanceof String text) {
        return new JsonObject().put("message", text);
      }
      return json.getValue("message") instanceof String text ? new JsonObject().put("message", text) : null;
    } catch (RuntimeException notJson) {
      return null;
    }
  }

  /** Null stays null. Removes the deployment's key, anything shaped like an API key or a key hash, and bounds the length. */
  static String sanitize(Deployment deployment, String text) {
    if (text == null) {
      return null;
    }
    String out = text;
    String apiKey = deployment.apiKey().value();
    if (apiKey != null && !apiKey.isEmpty()) {
      out = out.replace(apiKey, "[redacted]");
    }
    out = SECRET_KEY.matcher(out).replaceAll("[redacted]");
    out = BEARER.matcher(out).replaceAll("Bearer [redacted]");
    out = HEX_HASH.matcher(out).replaceAll("[redacted]");
    out = out.replace('\n', ' ').replace('\r', ' ').trim();
    return out.length() > MAX_MESSAGE ? out.substring(0, MAX_MESSAGE) + "..." : out;
  }
}
