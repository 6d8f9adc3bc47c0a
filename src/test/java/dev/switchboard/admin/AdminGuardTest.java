package dev.switchboard.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.switchboard.testing.GatewayExtension;
import dev.switchboard.testing.TestDatabase;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The admin API's one guard: every admin path, known or not, asks for the master key before any
 * route sees the request; a virtual key is refused the same way everywhere.
 */
@ExtendWith(VertxExtension.class)
class AdminGuardTest {

  private static final String MASTER = "sk-master-admin-guard";

  @RegisterExtension
  final GatewayExtension gw = GatewayExtension.withConfig(m -> """
      model_list:
        - {model_name: chat, litellm_params: {model: openai/chat, api_base: "%s", api_key: sk-up}}
      general_settings: {master_key: %s, database_url: "%s", metrics_auth: true}
      """.formatted(m.apiBase(), MASTER, TestDatabase.newDatabaseUrl()));

  /** One request per guarded route family, plus paths no route serves (guarded all the same). */
  private static final List<String[]> GUARDED = List.of(
      new String[] {"POST", "/key/generate"}, new String[] {"GET", "/key/list"}, new String[] {"GET", "/key/no-such-route"},
      new String[] {"POST", "/user/new"}, new String[] {"GET", "/team/list"}, new String[] {"GET", "/spend/logs"},
      new String[] {"GET", "/global/spend"}, new String[] {"GET", "/global/spend/report"},
      new String[] {"GET", "/router/deployments"}, new String[] {"GET", "/health"},
      new String[] {"POST", "/config/reload"}, new String[] {"GET", "/health/doctor"}, new String[] {"GET", "/metrics"});

  private Future<HttpResponse<Buffer>> call(String method, String path, String key) {
    var request = gw.request(HttpMethod.valueOf(method), path);
    if (key != null) {
      request.putHeader("Authorization", "Bearer " + key);
    }
    return method.equals("POST") ? request.sendJsonObject(new JsonObject()) : request.send();
  }

  @Test
  void every_admin_path_refuses_a_virtual_key_and_no_key_before_its_route_runs(VertxTestContext ctx) {
    List<String> wrong = new ArrayList<>();
    call("POST", "/key/generate", MASTER)
        .map(generated -> generated.bodyAsJsonObject().getString("key"))
        .compose(virtualKey -> {
          Future<Void> all = Future.succeededFuture();
          for (String[] route : GUARDED) {
            all = all.compose(v -> call(route[0], route[1], virtualKey)).map(refused -> {
              if (refused.statusCode() != 403
                  || !"master_key_required".equals(refused.bodyAsJsonObject().getJsonObject("error").getString("code"))
                  || refused.bodyAsString().contains(virtualKey)) {
                wrong.add(route[1] + " with a virtual key: " + refused.statusCode() + " " + refused.bodyAsString());
              }
              return null;
            }).compose(v -> call(route[0], route[1], null)).map(refused -> {
              if (refused.statusCode() != 401) {
                wrong.add(route[1] + " with no key: " + refused.statusCode() + " " + refused.bodyAsString());
              }
              return null;
            });
          }
          return all;
        })
        .compose(v -> call("GET", "/key/no-such-route", MASTER))
        .onComplete(ctx.succeeding(unknown -> ctx.verify(() -> {
          assertEquals(List.of(), wrong);
          assertEquals(404, unknown.statusCode(), "past the guard, an unknown admin path is a 404: " + unknown.bodyAsString());
          ctx.completeNow();
        })));
  }

  @Test
  void the_master_key_passes_and_public_paths_stay_public(VertxTestContext ctx) {
    call("GET", "/router/deployments", MASTER)
        .compose(deployments -> {
          ctx.verify(() -> assertEquals(200, deployments.statusCode(), deployments.bodyAsString()));
          return call("GET", "/health/liveliness", null);
        })
        .compose(liveness -> {
          ctx.verify(() -> assertEquals(200, liveness.statusCode(), liveness.bodyAsString()));
          return call("GET", "/metrics", MASTER);
        })
        .onComplete(ctx.succeeding(metrics -> ctx.verify(() -> {
          assertEquals(200, metrics.statusCode());
          assertFalse(metrics.bodyAsString().contains(MASTER));
          ctx.completeNow();
        })));
  }
}
