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
    if (response.headWritten() || response.closed()) {
      return;
    }
    response.setStatusCode(error.status()).putHeader(HttpHeaders.CONTENT_TYPE, "application/json");
    if (error.retryAfter() != null) {
      response.putHeader(HttpHeaders.RETRY_AFTER, error.retryAfter());
    }
    JsonObject body = error.toJson();
    String requestId = response.headers().get(REQUEST_ID_HEADER);
    if (requestId != null) {
      body.getJsonObject("error").put("request_id", requestId);
    }
    response.end(body.toBuffer());
  }
}
