package dev.switchboard.routing;

import dev.switchboard.testing.GatewayUnderTest;
import dev.switchboard.testing.MockProvider;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.function.Function;

/** A gateway in front of a mock provider for the routing tests, and the calls they make (master key). */
final class Routed {

  static final String MASTER = "sk-master-routing";

  final GatewayUnderTest sut;

  private Routed(GatewayUnderTest sut) {
    this.sut = sut;
  }

  /** @param config YAML given the mock's api_base; {@code general_settings.master_key} is added */
  static Future<Routed> start(Vertx vertx, MockProvider mock, Function<String, String> config) {
    return GatewayUnderTest.start(vertx, mock, m -> config.apply(m.apiBase())
        + "\ngeneral_settings: {master_key: " + MASTER + "}\n").map(Routed::new);
  }

  static Future<Routed> start(Vertx vertx, MockProvider mock, Function<String, String> config, String general) {
    return GatewayUnderTest.start(vertx, mock, m -> config.apply(m.apiBase())
        + "\ngeneral_settings: {master_key: " + MASTER + ", " + general + "}\n").map(Routed::new);
  }

  static JsonObject body(String model) {
    return new JsonObject().put("model", model)
        .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", "Hi")));
  }

  Future<HttpResponse<Buffer>> chat(String model) {
    return chat(body(model));
  }

  Future<HttpResponse<Buffer>> chat(JsonObject body) {
    return sut.client().post(sut.gateway().port(), "127.0.0.1", "/v1/chat/completions")
        .putHeader("Authorization", "Bearer " + MASTER).sendJsonObject(body);
  }

  Future<HttpResponse<Buffer>> get(String path, String key) {
    var request = sut.client().get(sut.gateway().port(), "127.0.0.1", path);
    if (key != null) {
      request.putHeader("Authorization", "Bearer " + key);
    }
    return request.send();
  }

  Future<HttpResponse<Buffer>> post(String path) {
    return sut.client().post(sut.gateway().port(), "127.0.0.1", path).putHeader("Authorization", "Bearer " + MASTER)
        .send();
  }

  DeploymentStates states() {
    return sut.gateway().routing().states();
  }

  MockProvider mock() {
    return sut.mock();
  }

  /** How many requests the mock received for an upstream model. */
  long received(String upstreamModel) {
    return sut.mock().received().stream().filter(r -> upstreamModel.equals(r.body().getString("model"))).count();
  }

  static String errorMessage(HttpResponse<Buffer> response) {
    return response.bodyAsJsonObject().getJsonObject("error").getString("message");
  }

  Future<Void> close() {
    return sut.close();
  }
}
