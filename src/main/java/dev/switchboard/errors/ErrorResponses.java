package dev.switchboard.errors;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;

/** Writes errors in OpenAI's shape; the one place where a failure becomes an HTTP answer. */
public final class ErrorResponses {

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
    response.end(error.toJson().toBuffer());
  }
}
