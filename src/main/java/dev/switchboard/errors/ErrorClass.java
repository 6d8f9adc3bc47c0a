package dev.switchboard.errors;

/**
 * LiteLLM's exception classes, as {@code retry_policy} and {@code allowed_fails_policy} name them.
 * Each owns the HTTP status and the OpenAI error {@code type} of the errors in it; every
 * {@link GatewayError} is made from its class ({@link GatewayError#of(ErrorClass, String, String)}).
 */
public enum ErrorClass {
  BAD_REQUEST("BadRequestError", 400, "invalid_request_error"),
  CONTEXT_WINDOW_EXCEEDED("ContextWindowExceededError", 400, "invalid_request_error"),
  CONTENT_POLICY_VIOLATION("ContentPolicyViolationError", 400, "invalid_request_error"),
  BUDGET_EXCEEDED("BudgetExceededError", 400, "budget_exceeded"),
  AUTHENTICATION("AuthenticationError", 401, "authentication_error"),
  PERMISSION_DENIED("PermissionDeniedError", 403, "permission_error"),
  NOT_FOUND("NotFoundError", 404, "invalid_request_error"),
  TIMEOUT("TimeoutError", 408, "timeout"),
  UNPROCESSABLE_ENTITY("UnprocessableEntityError", 422, "invalid_request_error"),
  RATE_LIMIT("RateLimitError", 429, "rate_limit_error"),
  INTERNAL_SERVER("InternalServerError", 500, "internal_server_error"),
  API_CONNECTION("APIConnectionError", 502, "upstream_error"),
  SERVICE_UNAVAILABLE("ServiceUnavailableError", 503, "service_unavailable");

  public static final String CONTEXT_LENGTH_CODE = "context_length_exceeded";
  public static final String CONTENT_POLICY_CODE = "content_policy_violation";

  private final String litellmName;
  private final int status;
  private final String type;

  ErrorClass(String litellmName, int status, String type) {
    this.litellmName = litellmName;
    this.status = status;
    this.type = type;
  }

  /** The HTTP status of the class's errors (an upstream's own status may replace it: {@link GatewayError#withStatus}). */
  public int status() {
    return status;
  }

  /** OpenAI's {@code error.type} for the class. */
  public String type() {
    return type;
  }

  /** The name LiteLLM gives the class ({@code RateLimitError}); policies append {@code Retries} or {@code AllowedFails}. */
  public String litellmName() {
    return litellmName;
  }

  /** The class a policy falls back to when it does not name this one (e.g. a context window error is a bad request). */
  public ErrorClass parent() {
    return switch (this) {
      case CONTEXT_WINDOW_EXCEEDED, UNPROCESSABLE_ENTITY, BUDGET_EXCEEDED -> BAD_REQUEST;
      case PERMISSION_DENIED -> AUTHENTICATION;
      case API_CONNECTION -> INTERNAL_SERVER;
      default -> this;
    };
  }

  /** The class of an answer with this status and code (an upstream's error, passed on). */
  public static ErrorClass forStatus(int status, String code) {
    return switch (status) {
      case 400 -> CONTEXT_LENGTH_CODE.equals(code) ? CONTEXT_WINDOW_EXCEEDED
          : CONTENT_POLICY_CODE.equals(code) ? CONTENT_POLICY_VIOLATION : BAD_REQUEST;
      case 401 -> AUTHENTICATION;
      case 403 -> PERMISSION_DENIED;
      case 404 -> NOT_FOUND;
      case 408 -> TIMEOUT;
      case 422 -> UNPROCESSABLE_ENTITY;
      case 429 -> RATE_LIMIT;
      case 500 -> INTERNAL_SERVER;
      case 503 -> SERVICE_UNAVAILABLE;
      default -> status >= 500 ? API_CONNECTION : BAD_REQUEST;
    };
  }

  /** A failure of the deployment rather than of the request: worth another try, elsewhere or later. */
  public boolean transientByDefault() {
    return switch (this) {
      case TIMEOUT, RATE_LIMIT, INTERNAL_SERVER, API_CONNECTION, SERVICE_UNAVAILABLE -> true;
      default -> false;
    };
  }
}
