package dev.switchboard.routing;

import dev.switchboard.testing.GatewayExtension;
import dev.switchboard.testing.MockProvider;
import dev.switchboard.testing.Requests;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;

/**
 * The routing tests' gateway: a {@link GatewayExtension} started by each test from its own YAML, where
 * {@code $BASE} is the mock's api_base, and the calls those tests make (with the master key).
 */
final class Routed extends GatewayExtension {

  static final String MASTER = "sk-master-routing";

  Routed() {
    super(null, null);
  }

  /** @param yaml the config, {@code $BASE} for the mock's api_base; {@code general_settings.master_key} is added */
  Future<Routed> start(MockProvider mock, String yaml) {
    return start(mock, yaml, null);
  }

  /** @param general more {@code general_settings}, as YAML flow-map entries */
  Future<Routed> start(MockProvider mock, String yaml, String general) {
    String settings = general == null ? "" : ", " + general;
    return start(mock, m -> yaml.replace("$BASE", m.apiBase())
        + "\ngeneral_settings: {master_key: " + MASTER + settings + "}\n").map(started -> this);
  }

  static JsonObject body(String model) {
    return Requests.hi(model);
  }

  Future<HttpResponse<Buffer>> chat(String model) {
    return chat(body(model));
  }

  Future<HttpResponse<Buffer>> chat(JsonObject body) {
    return post("/v1/chat/completions").putHeader("Authorization", "Bearer " + MASTER).sendJsonObject(body);
  }

  Future<HttpResponse<Buffer>> get(String path, String key) {
    var request = get(path);
    if (key != null) {
      request.putHeader("Authorization", "Bearer " + key);
    }
    return request.send();
  }

  Future<HttpResponse<Buffer>> postAsMaster(String path) {
    return post(path).putHeader("Authorization", "Bearer " + MASTER).send();
  }

  DeploymentStates states() {
    return gateway().routing().states();
  }

  /** How many requests the mock received for an upstream model. */
  long received(String upstreamModel) {
    return mock().received().stream().filter(r -> upstreamModel.equals(r.body().getString("model"))).count();
  }

  static String errorMessage(HttpResponse<Buffer> response) {
    return response.bodyAsJsonObject().getJsonObject("error").getString("message");
  }
}
