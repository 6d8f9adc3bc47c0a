package dev.switchboard.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.testing.Awaits;
import dev.switchboard.testing.GatewayExtension;
import dev.switchboard.testing.Requests;
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
  final GatewayExtension gw = PricedGateway.extension(MASTER, "chat", "other");

  private final PricedGateway calls = new PricedGateway(gw, MASTER);



  private Future<Integer> chat(String key, String model) {
    return gw.post("/v1/chat/completions").putHeader("Authorization", "Bearer " + key)
        .sendJsonObject(Requests.hi(model)).map(HttpResponse::statusCode);
  }

  @Test
  void an_organizations_models_bound_the_keys_of_its_teams(VertxTestContext ctx) {
    String[] key = new String[1];
    calls.admin("/organization/new", new JsonObject().put("organization_id", "acme").put("organization_alias", "acme")
            .put("models", new JsonArray().add("chat")))
        .compose(org -> {
          ctx.verify(() -> assertEquals(new JsonArray().add("chat"), org.getJsonArray("models")));
          return calls.admin("/team/new", new JsonObject().put("team_id", "t-acme").put("organization_id", "acme"));
        })
        .compose(team -> calls.admin("/key/generate", new JsonObject().put("team_id", "t-acme")))
        .compose(made -> {
          key[0] = made.getString("key");
          return Future.all(chat(key[0], "chat"), chat(key[0], "other"));
        })
        .compose(statuses -> {
          ctx.verify(() -> assertEquals(List.of(200, 403), statuses.list(), "the team has no list: the org's bounds it"));
          return calls.admin("/organization/update", new JsonObject().put("organization_id", "acme")
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
    calls.admin("/organization/new", new JsonObject().put("organization_id", "org-b").put("organization_alias", "b"))
        .compose(org -> calls.admin("/organization/member_add", new JsonObject().put("organization_id", "org-b")
            .put("member", new JsonObject().put("user_id", "ann").put("role", "internal_user"))
            .put("max_budget_in_organization", 0.01)))
        .compose(added -> {
          ctx.verify(() -> assertTrue(added.getJsonArray("updated_organization_memberships").getJsonObject(0)
              .getString("budget_id") != null, added.encode()));
          return calls.admin("/team/new", new JsonObject().put("team_id", "t-b").put("organization_id", "org-b"));
        })
        .compose(team -> calls.admin("/key/generate", new JsonObject().put("team_id", "t-b").put("user_id", "ann")))
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
              calls.send("/organization/member_update", new JsonObject().put("organization_id", "org-b")
                  .put("user_id", "nobody").put("role", "org_admin")),
              calls.send("/organization/member_update", new JsonObject().put("organization_id", "org-b")
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
