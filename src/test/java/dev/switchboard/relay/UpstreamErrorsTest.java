package dev.switchboard.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.switchboard.config.EnvValue;
import dev.switchboard.config.ModelInfo;
import dev.switchboard.errors.ErrorClass;
import dev.switchboard.errors.GatewayError;
import dev.switchboard.model.Deployment;
import dev.switchboard.provider.Providers;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import java.net.ConnectException;
import java.util.List;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/** Every upstream failure maps to LiteLLM's class and status, from status and body. */
class UpstreamErrorsTest {

  private static final Deployment D = new Deployment("d1", "chat", Providers.resolve("openai/gpt-4o", "t").provider(),
      "gpt-4o", EnvValue.of("http://127.0.0.1:1/v1"), EnvValue.of("sk-secret-upstream-key-123"), EnvValue.ABSENT, 1, 1000,
      1000, false, null, ModelInfo.EMPTY, null, null, null, Deployment.NO_ORDER, List.of(), null);

  private static GatewayError response(int status, String body, String... headers) {
    MultiMap map = MultiMap.caseInsensitiveMultiMap();
    for (int i = 0; i < headers.length; i += 2) {
      map.add(headers[i], headers[i + 1]);
    }
    return UpstreamErrors.fromResponse(D, status, map, Buffer.buffer(body));
  }

  private static void is(ErrorClass expected, int status, GatewayError error) {
    assertEquals(expected, error.errorClass(), error.getMessage());
    assertEquals(status, error.status(), error.getMessage());
  }

  @Test
  void statuses_and_bodies_map_to_litellm_error_classes() {
    is(ErrorClass.BAD_REQUEST, 400, response(400, "{\"error\":{\"message\":\"bad param\"}}"));
    is(ErrorClass.CONTEXT_WINDOW_EXCEEDED, 400, response(400,
        "{\"error\":{\"message\":\"too long\",\"code\":\"context_length_exceeded\"}}"));
    is(ErrorClass.CONTEXT_WINDOW_EXCEEDED, 400, response(400,
        "{\"type\":\"error\",\"error\":{\"type\":\"invalid_request_error\",\"message\":\"prompt is too long: 210000 tokens\"}}"));
    is(ErrorClass.CONTENT_POLICY_VIOLATION, 400, response(400, "{\"error\":{\"message\":\"filtered\",\"code\":\"content_filter\"}}"));
    is(ErrorClass.AUTHENTICATION, 401, response(401, "{\"error\":{\"message\":\"Incorrect API key provided: sk-secret-upstream-key-123\"}}"));
    is(ErrorClass.PERMISSION_DENIED, 403, response(403, "{\"error\":{\"message\":\"region not allowed\"}}"));
    is(ErrorClass.NOT_FOUND, 404, response(404, "{\"error\":{\"message\":\"no such model\"}}"));
    is(ErrorClass.TIMEOUT, 408, response(408, "{\"error\":{\"message\":\"took too long\"}}"));
    is(ErrorClass.UNPROCESSABLE_ENTITY, 422, response(422, "{\"detail\":\"bad\"}"));
    is(ErrorClass.RATE_LIMIT, 429, response(429, "{\"error\":{\"message\":\"slow down\"}}", "retry-after-ms", "1500"));
    is(ErrorClass.INTERNAL_SERVER, 500, response(500, "boom"));
    is(ErrorClass.API_CONNECTION, 502, response(502, "<html>bad gateway</html>"));
    is(ErrorClass.SERVICE_UNAVAILABLE, 503, response(503, "{\"error\":{\"message\":\"overloaded\"}}"));
    is(ErrorClass.API_CONNECTION, 502, response(504, ""));
    is(ErrorClass.SERVICE_UNAVAILABLE, 503, UpstreamErrors.fromException(D, new ConnectException("refused"), 1000));
    is(ErrorClass.TIMEOUT, 408, UpstreamErrors.fromException(D, new TimeoutException("late"), 1000));
  }

  @Test
  void a_429_keeps_its_wait_to_the_millisecond_and_is_never_a_connection_error() {
    GatewayError limited = response(429, "{\"error\":{\"message\":\"slow down\"}}", "retry-after-ms", "1500");
    assertEquals("rate_limit_error", limited.type());
    assertEquals(1500, limited.retryAfterMillis());
    assertEquals("2", limited.retryAfter());
    assertEquals(7000, response(429, "{}", "retry-after", "7").retryAfterMillis());
    assertEquals(-1, response(429, "{}").retryAfterMillis());
  }

  @Test
  void googles_error_shape_maps_too_retry_delay_wrong_key_and_token_limit_included() {
    GatewayError limited = response(429, "{\"error\":{\"code\":429,\"status\":\"RESOURCE_EXHAUSTED\",\"message\":\"quota\","
        + "\"details\":[{\"@type\":\"type.googleapis.com/google.rpc.RetryInfo\",\"retryDelay\":\"37s\"}]}}");
    assertEquals(37000, limited.retryAfterMillis());
    assertEquals("37", limited.retryAfter());
    assertEquals("5", response(429, "{\"error\":{\"details\":[{\"retryDelay\":\"37s\"}]}}", "retry-after", "5").retryAfter(),
        "a Retry-After header wins");
    is(ErrorClass.AUTHENTICATION, 401, response(400,
        "{\"error\":{\"code\":400,\"message\":\"API key not valid. Please pass a valid API key.\",\"status\":\"INVALID_ARGUMENT\"}}"));
    is(ErrorClass.CONTEXT_WINDOW_EXCEEDED, 400, response(400, "{\"error\":{\"code\":400,\"message\":\"The input token count "
        + "(1200000) exceeds the maximum number of tokens allowed (1048576).\",\"status\":\"INVALID_ARGUMENT\"}}"));
    GatewayError echoed = response(403, "{\"error\":{\"message\":\"key AIzaSyA1b2C3d4E5f6G7h8I9j0KlMnOpQrStUvW is suspended\"}}");
    assertFalse(echoed.getMessage().contains("AIzaSy"), "a Google API key is scrubbed like any other: " + echoed.getMessage());
  }

  @Test
  void the_deployments_key_never_reaches_the_message() {
    GatewayError auth = response(401, "{\"error\":{\"message\":\"Incorrect API key provided: sk-secret-upstream-key-123\"}}");
    assertFalse(auth.getMessage().contains("sk-secret-upstream-key-123"), auth.getMessage());
  }

  @Test
  void only_a_top_level_error_in_a_stream_event_is_the_providers_error() {
    GatewayError openAi = UpstreamErrors.fromStreamEvent(D,
        "{\"error\":{\"type\":\"server_error\",\"message\":\"failed with Bearer sk-provA-0123456789 and sk-secret-upstream-key-123\"}}");
    assertEquals("server_error", openAi.type());
    assertFalse(openAi.getMessage().contains("sk-"), openAi.getMessage());
    GatewayError anthropic = UpstreamErrors.fromStreamEvent(D,
        "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}");
    assertEquals("overloaded_error", anthropic.type());
    assertEquals(null, UpstreamErrors.fromStreamEvent(D,
        "{\"choices\":[{\"delta\":{\"content\":\"the \\\"error\\\" field\"}}]}"), "text that quotes \"error\"");
    assertEquals(null, UpstreamErrors.fromStreamEvent(D,
        "{\"choices\":[],\"prompt_filter_results\":[{\"content_filter_results\":{\"error\":{\"code\":\"x\"}}}]}"),
        "an error nested in Azure's filter results is not the stream's");
  }
}
