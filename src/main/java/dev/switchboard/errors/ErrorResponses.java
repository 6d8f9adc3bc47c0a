package dev.switchboard.errors;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;

/**
 * Writes errors in OpenAI's shape; the one place where a failure becomes an HTTP answer. The
 * request's id ({@code x-litellm-call-id}, already on the response) goes into the body as
 * {@code error.request_id}, so a pasted error can be found in the logs and spend logs.
 */
public final class ErrorResponses {

  private static final String REQUEST_ID_HEADER = "x-litellm-call-id";

  private ErrorResponses() {
  }

  public static void write(HttpServerResponse response, GatewayError error) {
    write(response, error, false);
  }

  /** @param anthropic in Anthropic's shape (the caller of {@code /v1/messages} reads errors with an Anthropic SDK) */
  public static void write(HttpServerResponse response, GatewayError error, boolean anthropic) {
    if (response.headWritten() || response.closed()) {
      return;
    }
    response.setStatusCode(error.status()).putHeader(HttpHeaders.CONTENT_TYPE, "application/json");
    if (error.retryAfter() != null) {
      response.putHeader(HttpHeaders.RETRY_AFTER, error.retryAfter());
    }
    JsonObject body = anthropic ? anthropic(error) : error.toJson();
    String requestId = response.headers().get(REQUEST_ID_HEADER);
    if (requestId != null) {
      body.getJsonObject("error").put("request_id", requestId);
    }
    response.end(body.toBuffer());
  }

  /**
   * {@code {"type":"error","error":{"type","message"}}} with Anthropic's type for the status (an
   * Anthropic provider's own {@code overloaded_error} kept); the field in error, as OpenAI's param.
   * Both an answer's body and a stream's error event.
   */
  public static JsonObject anthropic(GatewayError error) {
    String type = "overloaded_error".equals(error.type()) ? "overloaded_error" : switch (error.status()) {
      case 401 -> "authentication_error";
      case 403 -> "permission_error";
      case 404 -> "not_found_error";
      case 413 -> "request_too_large";
      case 429 -> "rate_limit_error";
      case 503, 529 -> "overloaded_error";
      default -> error.status() >= 500 ? "api_error" : "invalid_request_error";
    };
    JsonObject detail = new JsonObject().put("type", type).put("message", error.getMessage());
    if (error.param() != null) {
      detail.put("param", error.param());
    }
    return new JsonObject().put("type", "error").put("error", detail);
  }
}
