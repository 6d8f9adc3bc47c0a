package dev.switchboard.relay;

import dev.switchboard.errors.ErrorClass;
import dev.switchboard.errors.GatewayError;
import dev.switchboard.model.Deployment;
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
 * Maps what went wrong upstream to what the client gets, in LiteLLM's error classes (see
 * {@link ErrorClass}): 4xx kept (a context window or content policy refusal marked by its code), 429
 * kept with Retry-After (never re-wrapped as a connection error), 500 kept, 503 kept, other 5xx →
 * 502, no connection → 503, timeout → 408 naming the timeout; messages with every secret scrubbed out.
 */
final class UpstreamErrors {

  private static final int MAX_MESSAGE = 1000;
  private static final Pattern SECRET_KEY = Pattern.compile("(sk|rk|pk|gsk|key)[-_][A-Za-z0-9_\\-]{8,}|AIza[A-Za-z0-9_\\-]{30,}");
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
    String type = upstreamError != null && upstreamError.getValue("type") instanceof String t ? sanitize(deployment, t) : null;
    String code = upstreamError != null && upstreamError.getValue("code") instanceof String c ? sanitize(deployment, c) : null;
    String param = upstreamError != null && upstreamError.getValue("param") instanceof String p ? p : null;
    if (status == 429) {
      String retryAfter = RetryAfter.seconds(headers);
      long retryAfterMillis = RetryAfter.millis(headers);
      if (retryAfter == null && RetryAfter.googleDelayMillis(upstreamError) >= 0) {
        retryAfterMillis = RetryAfter.googleDelayMillis(upstreamError);
        retryAfter = String.valueOf((long) Math.ceil(retryAfterMillis / 1000.0));
      }
      return GatewayError.of(ErrorClass.RATE_LIMIT, "rate_limit_exceeded", "The provider rate-limited " + who + ": " + detail
              + (retryAfter == null ? ". Retry later." : ". Retry after " + retryAfter + " s.")).withRetryAfter(retryAfter).withRetryAfterMillis(retryAfterMillis);
    }
    if (status == 400 && detail.contains("API key not valid")) {
      // Gemini refuses a wrong key with 400 INVALID_ARGUMENT; LiteLLM calls it an AuthenticationError.
      return GatewayError.of(ErrorClass.AUTHENTICATION, "invalid_api_key", "The provider refused the gateway's credentials for "
          + who + " (" + status + "): " + detail);
    }
    if (status == 403 && isAwsCredentialError(headers)) {
      // AWS refuses a bad signature or key with 403; LiteLLM calls it an AuthenticationError.
      return GatewayError.of(ErrorClass.AUTHENTICATION, "invalid_api_key", "The provider refused the gateway's credentials for "
          + who + " (" + status + "): " + detail);
    }
    if (status == 400 || status == 413) {
      if (isContextWindow(type, code, detail)) {
        return GatewayError.of(ErrorClass.CONTEXT_WINDOW_EXCEEDED, ErrorClass.CONTEXT_LENGTH_CODE, "The prompt is too long for " + who + " (context window exceeded): " + detail
                + ". Shorten it, or configure context_window_fallbacks.").withParam(param);
      }
      if (isContentPolicy(type, code, detail)) {
        return GatewayError.of(ErrorClass.CONTENT_POLICY_VIOLATION, ErrorClass.CONTENT_POLICY_CODE, "The provider's content policy refused the request to " + who + ": " + detail + ".").withParam(param);
      }
    }
    if (status == 408) {
      return GatewayError.of(ErrorClass.TIMEOUT, "timeout", "The provider timed out for " + who + ": " + detail
          + ". Retry.");
    }
    if (status >= 400 && status < 500) {
      String prefix = status == 401 || status == 403
          ? "The provider refused the gateway's credentials for " + who + " (" + status + "): "
          : "The provider rejected the request to " + who + " (" + status + "): ";
      return GatewayError.of(ErrorClass.forStatus(status, code), code, prefix + detail).withStatus(status)
          .withType(type == null ? defaultType(status) : type).withParam(param);
    }
    if (status == 500) {
      return GatewayError.of(ErrorClass.INTERNAL_SERVER, "upstream_server_error", "The provider failed for " + who + " (HTTP 500): " + detail + ". Retry, or try another model.");
    }
    if (status == 503) {
      String retryAfter = RetryAfter.seconds(headers);
      return GatewayError.of(ErrorClass.SERVICE_UNAVAILABLE, "upstream_unavailable", "The provider is unavailable for " + who + " (HTTP 503): " + detail + ". Retry shortly.").withRetryAfter(retryAfter).withRetryAfterMillis(RetryAfter.millis(headers));
    }
    return GatewayError.of(ErrorClass.API_CONNECTION, "upstream_server_error", "The provider failed for " + who + " (HTTP " + status + "): " + detail + ". Retry, or try another model.");
  }

  private static String defaultType(int status) {
    return switch (status) {
      case 401 -> "authentication_error";
      case 403 -> "permission_error";
      case 404 -> "not_found_error";
      case 422 -> "unprocessable_entity_error";
      default -> "invalid_request_error";
    };
  }

  /** AWS names its error in x-amzn-ErrorType ({@code InvalidSignatureException:http://...}). */
  private static boolean isAwsCredentialError(MultiMap headers) {
    String type = String.valueOf(headers.get("x-amzn-errortype"));
    return type.startsWith("InvalidSignatureException") || type.startsWith("UnrecognizedClientException")
        || type.startsWith("IncompleteSignatureException") || type.startsWith("MissingAuthenticationToken")
        || type.startsWith("ExpiredTokenException");
  }

  /** OpenAI's and Azure's codes, Anthropic's and others' wording. */
  private static boolean isContextWindow(String type, String code, String detail) {
    if ("context_length_exceeded".equals(code) || "context_length_exceeded".equals(type)) {
      return true;
    }
    String text = detail.toLowerCase(java.util.Locale.ROOT);
    return text.contains("maximum context length") || text.contains("context window") || text.contains("context length")
        || text.contains("prompt is too long") || text.contains("exceed context limit") || text.contains("too many tokens")
        || text.contains("input is too long") || text.contains("exceeds the maximum number of tokens");
  }

  private static boolean isContentPolicy(String type, String code, String detail) {
    if ("content_filter".equals(code) || "content_policy_violation".equals(code) || "content_filter".equals(type)) {
      return true;
    }
    String text = detail.toLowerCase(java.util.Locale.ROOT);
    return text.contains("content management policy") || text.contains("content policy") || text.contains("safety system");
  }

  /**
   * The error a provider sent as a stream event, or null when the event is not one: OpenAI's
   * {@code {"error":{...}}} and Anthropic's {@code {"type":"error","error":{...}}}, scrubbed like
   * every other upstream message. Only events that mention {@code "error"} are parsed.
   */
  static GatewayError fromStreamEvent(Deployment deployment, String data) {
    if (data.indexOf("\"error\"") < 0) {
      return null;
    }
    JsonObject upstreamError;
    try {
      JsonObject event = new JsonObject(data);
      Object error = event.getValue("error");
      // Ollama's is a bare string: {"error":"..."}.
      upstreamError = error instanceof JsonObject object ? object
          : error instanceof String text ? new JsonObject().put("message", text) : responsesError(event);
    } catch (RuntimeException notJson) {
      return null;
    }
    if (upstreamError == null) {
      return null;
    }
    String detail = upstreamError.getValue("message") instanceof String m ? sanitize(deployment, m) : "no details given";
    String type = upstreamError.getValue("type") instanceof String t ? sanitize(deployment, t) : "upstream_error";
    String code = upstreamError.getValue("code") instanceof String c ? sanitize(deployment, c) : "upstream_stream_error";
    return GatewayError.of(ErrorClass.API_CONNECTION, code, "The provider failed mid-stream for " + deployment.describe()
        + ": " + detail + ". Retry, or try another model.").withType(type);
  }

  /** The Responses API's: an {@code error} event ({type, code, message}), or {@code response.failed} with its response's error. */
  private static JsonObject responsesError(JsonObject event) {
    Object type = event.getValue("type");
    if ("error".equals(type)) {
      return event;
    }
    return "response.failed".equals(type) && event.getValue("response") instanceof JsonObject response
        && response.getValue("error") instanceof JsonObject error ? error : null;
  }

  static GatewayError fromException(Deployment deployment, Throwable failure, long timeoutMs) {
    return fromException(deployment, failure, timeoutMs, "timeout");
  }

  /** @param timeoutName the setting whose limit {@code timeoutMs} is ({@code timeout} or {@code stream_timeout}) */
  static GatewayError fromException(Deployment deployment, Throwable failure, long timeoutMs, String timeoutName) {
    if (failure instanceof GatewayError error) {
      return error;
    }
    String who = deployment.describe();
    if (isConnectTimeout(failure)) {
      return GatewayError.of(ErrorClass.TIMEOUT, "timeout", "The provider for " + who + " did not accept a connection in time (connect_timeout fired). Check api_base "
              + "and the network, or raise litellm_settings.connect_timeout.");
    }
    if (isTimeout(failure)) {
      return GatewayError.of(ErrorClass.TIMEOUT, "timeout", "The provider did not answer " + who + " within " + (timeoutMs / 1000.0) + " s (" + timeoutName
              + " fired). Retry, or raise " + timeoutName + " in the deployment's litellm_params or the request.");
    }
    if (failure instanceof ConnectException || failure instanceof UnknownHostException
        || failure instanceof SSLException) {
      return GatewayError.of(ErrorClass.SERVICE_UNAVAILABLE, "upstream_unreachable", "Cannot connect to the provider for " + who + " (" + failure.getClass().getSimpleName() + ": "
              + sanitize(deployment, failure.getMessage()) + "). Check api_base and the network, then retry.");
    }
    if (failure instanceof ConnectionPoolTooBusyException) {
      return GatewayError.of(ErrorClass.SERVICE_UNAVAILABLE, "upstream_pool_exhausted", "Too many requests are waiting for a connection to the provider for " + who + ". Retry shortly.").withRetryAfter("1");
    }
    return GatewayError.of(ErrorClass.API_CONNECTION, "upstream_connection_error", "The connection to the provider for " + who + " failed before the answer was complete ("
            + failure.getClass().getSimpleName() + "). Retry.");
  }

  /** The connect timeout: Netty's own, or Vert.x's "timeout ... exceeded when getting a connection". */
  private static boolean isConnectTimeout(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      String message = String.valueOf(t.getMessage()).toLowerCase(java.util.Locale.ROOT);
      if (t instanceof io.netty.channel.ConnectTimeoutException || message.contains("connection timed out")
          || message.contains("when getting a connection")) {
        return true;
      }
    }
    return false;
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

  /** Null stays null. Removes the deployment's key (and AWS secrets), anything shaped like an API key or a key hash, and bounds the length. */
  static String sanitize(Deployment deployment, String text) {
    if (text == null) {
      return null;
    }
    String out = text;
    String apiKey = deployment.apiKey().value();
    for (String secret : new String[] {apiKey, deployment.awsAuth().secretAccessKey().value(),
        deployment.awsAuth().sessionToken().value()}) {
      if (secret != null && !secret.isEmpty()) {
        out = out.replace(secret, "[redacted]"); // AWS may quote its canonical request, session token included
      }
    }
    out = SECRET_KEY.matcher(out).replaceAll("[redacted]");
    out = BEARER.matcher(out).replaceAll("Bearer [redacted]");
    out = HEX_HASH.matcher(out).replaceAll("[redacted]");
    out = out.replace('\n', ' ').replace('\r', ' ').trim();
    return out.length() > MAX_MESSAGE ? out.substring(0, MAX_MESSAGE) + "..." : out;
  }
}
