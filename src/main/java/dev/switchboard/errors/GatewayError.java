package dev.switchboard.errors;

import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;

/**
 * A failure the client can act on, in OpenAI's error shape. It extends {@link ReplyException} so a
 * stage can fail an event-bus request with it and the caller receives this very object (local
 * codec), status and all. No stack trace: these are expected outcomes, not bugs.
 */
public final class GatewayError extends ReplyException {

  private final int status;
  private final String type;
  private final String code;
  private final String param;
  private final String retryAfter;
  private final long retryAfterMillis;

  public GatewayError(int status, String type, String code, String param, String message, String retryAfter) {
    this(status, type, code, param, message, retryAfter, -1);
  }

  /** @param retryAfterMillis the wait the provider asked for, to the millisecond ({@code retry-after-ms}), or -1 */
  public GatewayError(int status, String type, String code, String param, String message, String retryAfter,
      long retryAfterMillis) {
    super(ReplyFailure.RECIPIENT_FAILURE, status, message, true);
    this.status = status;
    this.type = type;
    this.code = code;
    this.param = param;
    this.retryAfter = retryAfter;
    this.retryAfterMillis = retryAfterMillis;
  }

  /** The same error with another message (what the router adds about retries and fallbacks). */
  public GatewayError withMessage(String message) {
    return new GatewayError(status, type, code, param, message, retryAfter, retryAfterMillis);
  }

  public static GatewayError badRequest(String param, String message) {
    return new GatewayError(400, "invalid_request_error", "invalid_request", param, message, null);
  }

  public static GatewayError unauthorized(String message) {
    return new GatewayError(401, "authentication_error", "invalid_api_key", null, message, null);
  }

  public static GatewayError notFound(String code, String param, String message) {
    return new GatewayError(404, "invalid_request_error", code, param, message, null);
  }

  public static GatewayError internal(String message) {
    return new GatewayError(500, "internal_error", "internal_error", null, message, null);
  }

  public int status() {
    return status;
  }

  public String type() {
    return type;
  }

  public String code() {
    return code;
  }

  public String param() {
    return param;
  }

  /** Seconds (as the upstream sent them) the client should wait, or null. */
  public String retryAfter() {
    return retryAfter;
  }

  /** Milliseconds the provider asked to wait, or -1 when it said nothing. */
  public long retryAfterMillis() {
    if (retryAfterMillis >= 0 || retryAfter == null) {
      return retryAfterMillis;
    }
    try {
      return Math.round(Double.parseDouble(retryAfter.trim()) * 1000);
    } catch (NumberFormatException notSeconds) {
      return -1; // an HTTP date: the client can read it, the router does not wait on it
    }
  }

  public JsonObject toJson() {
    return new JsonObject().put("error", new JsonObject()
        .put("message", getMessage())
        .put("type", type)
        .put("param", param)
        .put("code", code));
  }

  /** Any failure as a GatewayError: ours pass through, an unreachable database is a 503, anything else an internal error. */
  public static GatewayError of(Throwable failure) {
    if (failure instanceof GatewayError error) {
      return error;
    }
    if (DatabaseUnavailable.matches(failure)) {
      return DatabaseUnavailable.error(failure);
    }
    return internal("Internal gateway error (" + failure.getClass().getSimpleName()
        + "). The request was not completed; retry, and report it if it persists.");
  }
}
