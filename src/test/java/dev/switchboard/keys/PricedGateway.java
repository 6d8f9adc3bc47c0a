package dev.switchboard.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.switchboard.testing.GatewayExtension;
import dev.switchboard.testing.TestDatabase;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * What the budget, customer and organization tests share: a gateway on its own database whose
 * models all cost $0.001 per prompt token and $0.002 per output token (so the mock's answer, 10 and
 * 5 tokens, costs $0.02), and the master key's admin calls.
 */
final class PricedGateway {

  private final GatewayExtension gw;
  private final String master;

  PricedGateway(GatewayExtension gw, String master) {
    this.gw = gw;
    this.master = master;
  }

  /** The gateway, serving each of {@code models} from the mock as {@code openai/chat}. */
  static GatewayExtension extension(String master, String... models) {
    String list = Arrays.stream(models).map(model -> """
          - model_name: %s
            litellm_params: {model: openai/chat, api_base: "%%1$s", api_key: sk-up}
            model_info: {input_cost_per_token: 0.001, output_cost_per_token: 0.002}
        """.formatted(model)).collect(Collectors.joining());
    return GatewayExtension.withConfig(m -> ("model_list:\n" + list
        + "general_settings: {master_key: %2$s, database_url: \"%3$s\"}\n")
        .formatted(m.apiBase(), master, TestDatabase.newDatabaseUrl()));
  }

  Future<HttpResponse<Buffer>> send(String path, JsonObject body) {
    return gw.post(path).putHeader("Authorization", "Bearer " + master).sendJsonObject(body);
  }

  /** The call's answer, asserted to be a 200. */
  Future<JsonObject> admin(String path, JsonObject body) {
    return send(path, body).map(response -> {
      assertEquals(200, response.statusCode(), path + ": " + response.bodyAsString());
      return response.bodyAsJsonObject();
    });
  }

  Future<HttpResponse<Buffer>> get(String path) {
    return gw.get(path).putHeader("Authorization", "Bearer " + master).send();
  }
}
