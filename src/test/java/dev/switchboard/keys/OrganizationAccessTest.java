package dev.switchboard.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.testing.Awaits;
import dev.switchboard.testing.GatewayExtension;
import dev.switchboard.testing.Requests;
import dev.switchboard.testing.TestDatabase;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An organization's models bound its teams' keys; a member's budget in the organization
 * (max_budget_in_organization) holds that member's keys; /organization/member_update and
 * /organization/member_delete. Each chat costs $0.02 (10 prompt tokens at $0.001, 5 output at $0.002).
 */
@ExtendWith(VertxExtension.class)
class OrganizationAccessTest {

  private static final String MASTER = "sk-master-org-access";

  @RegisterExtension
  final GatewayExtension gw = GatewayExtension.withConfig(m -> """
      model_list:
        - model_name: chat
          litellm_params: {model: openai/chat, api_base: "%1$s", api_key: sk-up}
          model_info: {input_cost_per_token: 0.001, output_cost_per_token: 0.002}
        - model_name: other
          litellm_params: {model: openai/chat, api_base: "%1$s", api_key: sk-up}
          model_info: {input_cost_per_token: 0.001, output_cost_per_token: 0.002}
      general_settings: {master_key: %2$s, database_url: "%3$s"}
      """.formatted(m.apiBase(), MASTER, TestDatabase.newDatabaseUrl()));

  private Future<HttpResponse<Buffer>> send(String path, JsonObject body) {
    return gw.post(path).putHeader("Authorization", "Bearer " + MASTER).sendJsonObject(body);
  }

  private Future<JsonObject> admin(String path, JsonObject body) {
    return send(path, body).map(response -> {
      assertEquals(200, response.statusCode(), path + ": " + response.bodyAsString());
      return response.bodyAsJsonObject();
    });
  }

  private Future<Integer> chat(String key, String model) {
    return gw.post("/v1/chat/completions").putHeader("Authorization", "Bearer " + key)
        .sendJsonObject(Requests.hi(model)).map(HttpResponse::statusCode);
  }

  @Test
  void an_organizations_models_bound_the_keys_of_its_teams(VertxTestContext ctx) {
    String[] key = new String[1];
    admin("/organization/new", new JsonObject().put("organization_id", "acme").put("organization_alias", "acme")
            .put("models", new JsonArray().add("chat")))
        .compose(org -> {
          ctx.verify(() -> assertEquals(new JsonArray().add("chat"), org.getJsonArray("models")));
          return admin("/team/new", new JsonObject().put("team_id", "t-acme").put("organization_id", "acme"));
        })
        .compose(team -> admin("/key/generate", new JsonObject().put("team_id", "t-acme")))
        .compose(made -> {
          key[0] = made.getString("key");
          return Future.all(chat(key[0], "chat"), chat(key[0], "other"));
        })
        .compose(statuses -> {
          ctx.verify(() -> assertEquals(List.of(200, 403), statuses.list(), "the team has no list: the org's bounds it"));
          return admin("/organization/update", new JsonObject().put("organization_id", "acme")
              .put("models", new JsonArray()));
        })
        .compose(opened -> chat(key[0], "other"))
        .onComplete(ctx.succeeding(status -> ctx.verify(() -> {
          assertEquals(200, status, "an empty list allows every model, at once");
          ctx.completeNow();
        })));
  }

  @Test
  void a_members_budget_in_the_organization_holds_its_keys_and_members_can_be_changed(VertxTestContext ctx) {
    String[] key = new String[1];
    admin("/organization/new", new JsonObject().put("organization_id", "org-b").put("organization_alias", "b"))
        .compose(org -> admin("/organization/member_add", new JsonObject().put("organization_id", "org-b")
            .put("member", new JsonObject().put("user_id", "ann").put("role", "internal_user"))
            .put("max_budget_in_organization", 0.01)))
        .compose(added -> {
          ctx.verify(() -> assertTrue(added.getJsonArray("updated_organization_memberships").getJsonObject(0)
              .getString("budget_id") != null, added.encode()));
          return admin("/team/new", new JsonObject().put("team_id", "t-b").put("organization_id", "org-b"));
        })
        .compose(team -> admin("/key/generate", new JsonObject().put("team_id", "t-b").put("user_id", "ann")))
        .compose(made -> {
          key[0] = made.getString("key");
          return chat(key[0], "chat");
        })
        .compose(first -> {
          ctx.verify(() -> assertEquals(200, first));
          return Awaits.until(gw.vertx(), () -> gw.gateway().accounting().writer().writtenRows() >= 1, 20_000);
        })
        .compose(settled -> gw.post("/v1/chat/completions").putHeader("Authorization", "Bearer " + key[0])
            .sendJsonObject(Requests.hi("chat")))
        .compose(refused -> {
          ctx.verify(() -> {
            assertEquals(400, refused.statusCode(), refused.bodyAsString());
            JsonObject error = refused.bodyAsJsonObject().getJsonObject("error");
            assertEquals("budget_exceeded", error.getString("type"));
            assertTrue(error.getString("message").contains("User 'ann' in organization 'org-b'"), error.encode());
          });
          return gw.request(io.vertx.core.http.HttpMethod.PATCH, "/organization/member_update")
              .putHeader("Authorization", "Bearer " + MASTER).sendJsonObject(new JsonObject()
                  .put("organization_id", "org-b").put("user_id", "ann").put("role", "org_admin")
                  .put("max_budget_in_organization", 5.0));
        })
        .compose(updated -> {
          ctx.verify(() -> {
            assertEquals(200, updated.statusCode(), updated.bodyAsString());
            JsonObject membership = updated.bodyAsJsonObject();
            assertEquals("org_admin", membership.getString("user_role"));
            assertEquals(5.0, membership.getJsonObject("litellm_budget_table").getDouble("max_budget"));
          });
          return chat(key[0], "chat");
        })
        .compose(raised -> {
          ctx.verify(() -> assertEquals(200, raised, "a raised member budget applies at once"));
          return Future.all(
              gw.request(io.vertx.core.http.HttpMethod.DELETE, "/organization/member_delete")
                  .putHeader("Authorization", "Bearer " + MASTER)
                  .sendJsonObject(new JsonObject().put("organization_id", "org-b").put("user_id", "ann")),
              send("/organization/member_update", new JsonObject().put("organization_id", "org-b")
                  .put("user_id", "nobody").put("role", "org_admin")),
              send("/organization/member_update", new JsonObject().put("organization_id", "org-b")
                  .put("user_id", "ann").put("max_budget_in_team", 1)));
        })
        .compose(all -> {
          List<HttpResponse<Buffer>> r = all.list();
          ctx.verify(() -> {
            assertEquals(200, r.get(0).statusCode(), r.get(0).bodyAsString());
            assertEquals("ann", r.get(0).bodyAsJsonObject().getString("user_id"));
            assertEquals(404, r.get(1).statusCode(), r.get(1).bodyAsString());
            assertEquals(400, r.get(2).statusCode(), r.get(2).bodyAsString());
            assertEquals("max_budget_in_team", r.get(2).bodyAsJsonObject().getJsonObject("error").getString("param"));
          });
          return gw.get("/organization/info?organization_id=org-b").putHeader("Authorization", "Bearer " + MASTER).send();
        })
        .onComplete(ctx.succeeding(info -> ctx.verify(() -> {
          assertEquals(new JsonArray(), info.bodyAsJsonObject().getJsonArray("members"));
          ctx.completeNow();
        })));
  }
}
