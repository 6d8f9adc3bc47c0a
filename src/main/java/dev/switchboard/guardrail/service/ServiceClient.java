package dev.switchboard.guardrail.service;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import java.util.Map;

/**
 * Posts JSON to guardrail services, each call bounded by its guardrail's timeout: a service that
 * does not answer in time fails the call (and its connection is dropped), it never holds the
 * request. One client serves every guardrail; callbacks run on the caller's context.
 */
public final class ServiceClient {

  /** What a service answered: its status and its body, parsed as JSON (an object or a list). */
  record Reply(int status, Object json) {
  }

  private final Vertx vertx;
  private final HttpClient client;

  public ServiceClient(Vertx vertx) {
    this.vertx = vertx;
    this.client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true));
  }

  /**
   * Posts {@code body} to {@code url}. Fails with a {@link ServiceException} (a message that names
   * {@code url} and never a header) when the service is unreachable, answers late or not with JSON.
   * A non-2xx status is a {@link Reply} still: each service says what it means.
   */
  Future<Reply> post(String url, Map<String, String> headers, Object body, long timeoutMillis) {
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(url)
        .setConnectTimeout(timeoutMillis).setIdleTimeout(timeoutMillis)
        .putHeader("content-type", "application/json").putHeader("accept", "application/json");
    headers.forEach(options::putHeader);
    Promise<Reply> reply = Promise.promise();
    long timer = vertx.setTimer(timeoutMillis, id -> reply.tryFail(new ServiceException(
        url + " did not answer within " + timeoutMillis + " ms")));
    Buffer payload = Buffer.buffer(Json.encode(body));
    client.request(options)
        .compose(request -> request.send(payload))
        .compose(response -> response.body().map(buffer -> parse(url, response.statusCode(), buffer)))
        .onComplete(done -> {
          vertx.cancelTimer(timer);
          if (done.succeeded()) {
            reply.tryComplete(done.result());
          } else {
            Throwable cause = done.cause();
            reply.tryFail(cause instanceof ServiceException ? cause : new ServiceException(url + " unreachable: "
                + cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : " (" + cause.getMessage() + ")")));
          }
        });
    return reply.future();
  }

  private static Reply parse(String url, int status, Buffer buffer) {
    try {
      return new Reply(status, buffer.length() == 0 ? null : Json.decodeValue(buffer));
    } catch (DecodeException e) {
      if (status >= 200 && status < 300) {
        throw new ServiceException(url + " answered " + status + " with a body that is not JSON");
      }
      return new Reply(status, null); // an error page: the status says it
    }
  }
}
