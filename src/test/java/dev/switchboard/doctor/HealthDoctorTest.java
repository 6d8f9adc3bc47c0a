package dev.switchboard.doctor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.testing.GatewayExtension;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/** GET /health/doctor: the doctor's checks on a running gateway's config. */
@ExtendWith(VertxExtension.class)
class HealthDoctorTest {

  @RegisterExtension
  final GatewayExtension gw = GatewayExtension.withConfig(m -> """
      model_list:
        - {model_name: chat, litellm_params: {model: openai/chat, api_base: "%s", api_key: sk-up}}
      router_settings:
        fallbacks: [{chat: [missing-group]}]
      general_settings: {master_key: %s}
      """.formatted(m.apiBase(), MASTER));

  static final String MASTER = "sk-doctor-master-0123456789abcdef";

  @Test
  void health_doctor_answers_the_master_key_with_the_checks_as_json(VertxTestContext ctx) {
    gw.get("/health/doctor?offline=true").send()
        .compose(anonymous -> {
          ctx.verify(() -> assertEquals(401, anonymous.statusCode()));
          return gw.get("/health/doctor?offline=true")
              .putHeader("Authorization", "Bearer " + MASTER).send();
        })
        .onComplete(ctx.succeeding(response -> ctx.verify(() -> {
          assertEquals(503, response.statusCode(), response.bodyAsString());
          JsonObject report = response.bodyAsJsonObject();
          assertEquals("FAIL", report.getString("status"));
          assertTrue(report.getJsonArray("checks").stream().map(JsonObject.class::cast)
              .anyMatch(c -> "fallbacks".equals(c.getString("check")) && "FAIL".equals(c.getString("status"))
                  && c.getString("detail").contains("missing-group")), report.encodePrettily());
          ctx.completeNow();
        })));
  }
}
