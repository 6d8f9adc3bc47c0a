package dev.switchboard.errors;

import io.vertx.core.json.JsonObject;

/**
 * A failure the client can act on, in OpenAI's error shape (Anthropic's on {@code /v1/messages},
 * see {@link ErrorResponses}). Made only from its {@link ErrorClass}, which owns its status and
 * type; the withers add what one error knows beyond its class. A plain exception: a stage fails
 * an event-bus request with it and the caller receives this very object (local codec). No stack
 * trace: these are expected outcomes, not bugs.
 */
public final class GatewayError extends RuntimeException {

  /** What routing may do after this error besides retrying. */
  public enum Fallback {
    /** Fallbacks may be tried, as the router settings say. */
    ALLOWED,
    /** The caller's own failure (unknown model, not allowed): no fallback can help, the next fallback group may. */
    NOT_THIS_GROUP,
    /** Stop at once: not even the next fallback (bytes already reached the client). */
    NONE
  }

  private final ErrorClass errorClass;
  private final int status;
  private final String type;
  private final String code;
  private final String param;
  private final String retryAfter;
  private final long retryAfterMillis;
  private final Fallback fallback;

  private GatewayError(ErrorClass errorClass, int status, String type, String code, String param, String message,
      String retryAfter, long retryAfterMillis, Fallback fallback) {
    super(message, null, false, false);
    this.errorClass = errorClass;
    this.status = status;
    this.type = type;
    this.code = code;
    this.param = param;
    this.retryAfter = retryAfter;
    this.retryAfterMillis = retryAfterMillis;
    this.fallback = fallback;
  }

  /** The one way to make an error: its class gives status and type. */
  public static GatewayError of(ErrorClass errorClass, String code, String message) {
    return new GatewayError(errorClass, errorClass.status(), errorClass.type(), code, null, message, null, -1,
        Fallback.ALLOWED);
  }

  /** The request field at fault ({@code error.param}). */
  public GatewayError withParam(String param) {
    return new GatewayError(errorClass, status, type, code, param, getMessage(), retryAfter, retryAfterMillis, fallback);
  }

  /** @param seconds what the {@code Retry-After} header says (seconds, or an HTTP date passed on from a provider) */
  public GatewayError withRetryAfter(String seconds) {
    return new GatewayError(errorClass, status, type, code, param, getMessage(), seconds, retryAfterMillis, fallback);
  }

  /** @param millis the wait a provider asked for, to the millisecond ({@code retry-after-ms}), or -1 */
  public GatewayError withRetryAfterMillis(long millis) {
    return new GatewayError(errorClass, status, type, code, param, getMessage(), retryAfter, millis, fallback);
  }

  /** A status of its own (a provider's, passed on; 405, 413): the class follows the status. */
  public GatewayError withStatus(int status) {
    return new GatewayError(ErrorClass.forStatus(status, code), status, type, code, param, getMessage(), retryAfter,
        retryAfterMillis, fallback);
  }

  /** The provider's own {@code error.type}, passed on. */
  public GatewayError withType(String type) {
    return new GatewayError(errorClass, status, type, code, param, getMessage(), retryAfter, retryAfterMillis, fallback);
  }

  /** The same error with another message (what the router adds about retries and fallbacks). */
  public GatewayError withMessage(String message) {
    return new GatewayError(errorClass, status, type, code, param, message, retryAfter, retryAfterMillis, fallback);
  }

  public GatewayError withFallback(Fallback fallback) {
    return new GatewayError(errorClass, status, type, code, param, getMessage(), retryAfter, retryAfterMillis, fallback);
  }

  public static GatewayError badRequest(String param, String message) {
    return of(ErrorClass.BAD_REQUEST, "invalid_request", message).withParam(param);
  }

  public static GatewayError unauthorized(String message) {
    return of(ErrorClass.AUTHENTICATION, "invalid_api_key", message);
  }

  public static GatewayError notFound(String code, String param, String message) {
    return of(ErrorClass.NOT_FOUND, code, message).withParam(param);
  }

  public static GatewayError internal(String message) {
    return of(ErrorClass.INTERNAL_SERVER, "internal_error", message);
  }

  public ErrorClass errorClass() {
    return errorClass;
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

  public Fallback fallback() {
    return fallback;
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
