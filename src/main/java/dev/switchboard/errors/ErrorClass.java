package dev.switchboard.errors;

/**
 * LiteLLM's exception classes, as {@code retry_policy} and {@code allowed_fails_policy} name them,
 * derived from an error's status and code (set by the relay's upstream error mapping).
 */
public enum ErrorClass {
  BAD_REQUEST("BadRequestError"),
  CONTEXT_WINDOW_EXCEEDED("ContextWindowExceededError"),
  CONTENT_POLICY_VIOLATION("ContentPolicyViolationError"),
  AUTHENTICATION("AuthenticationError"),
  PERMISSION_DENIED("PermissionDeniedError"),
  NOT_FOUND("NotFoundError"),
  TIMEOUT("TimeoutError"),
  UNPROCESSABLE_ENTITY("UnprocessableEntityError"),
  RATE_LIMIT("RateLimitError"),
  INTERNAL_SERVER("InternalServerError"),
  API_CONNECTION("APIConnectionError"),
  SERVICE_UNAVAILABLE("ServiceUnavailableError");

  public static final String CONTEXT_LENGTH_CODE = "context_length_exceeded";
  public static final String CONTENT_POLICY_CODE = "content_policy_violation";

  private final String litellmName;

  ErrorClass(String litellmName) {
    this.litellmName = litellmName;
  }

  /** The name LiteLLM gives the class ({@code RateLimitError}); policies append {@code Retries} or {@code AllowedFails}. */
  public String litellmName() {
    return litellmName;
  }

  /** The class a policy falls back to when it does not name this one (e.g. a context window error is a bad request). */
  public ErrorClass parent() {
    return switch (this) {
      case CONTEXT_WINDOW_EXCEEDED, UNPROCESSABLE_ENTITY -> BAD_REQUEST;
      case PERMISSION_DENIED -> AUTHENTICATION;
      case API_CONNECTION -> INTERNAL_SERVER;
      default -> this;
    };
  }

  public static ErrorClass of(GatewayError error) {
    String code = error.code();
    return switch (error.status()) {
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
      default -> error.status() >= 500 ? API_CONNECTION : BAD_REQUEST;
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
