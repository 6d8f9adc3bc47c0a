package dev.switchboard.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
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
 * LiteLLM's /organization/* API: shapes, members, teams joining by organization_id, and the
 * organization's budget holding every key of its teams. Each chat costs $0.02.
 */
@ExtendWith(VertxExtension.class)
class OrganizationsTest {

  private static final String MASTER = "sk-master-orgs";

  @RegisterExtension
  final GatewayExtension gw = PricedGateway.extension(MASTER, "chat");

  private final PricedGateway calls = new PricedGateway(gw, MASTER);




  private Future<HttpResponse<Buffer>> chat(String key) {
    return gw.post("/v1/chat/completions").putHeader("Authorization", "Bearer " + key)
        .sendJsonObject(Requests.hi("chat"));
  }

  private static String param(HttpResponse<Buffer> response) {
    return response.bodyAsJsonObject().getJsonObject("error").getString("param");
  }

  @Test
  void an_organization_has_litellms_shape_and_refuses_what_is_not_enforced(VertxTestContext ctx) {
    calls.admin("/organization/new", new JsonObject().put("organization_alias", "acme").put("max_budget", 3.0))
        .compose(org -> {
          ctx.verify(() -> {
            assertNotNull(org.getString("organization_id"));
            assertEquals("acme", org.getString("organization_alias"));
            assertNotNull(org.getString("budget_id"), "LiteLLM gives every organization a budget");
            assertEquals(new JsonArray(), org.getJsonArray("models"));
            assertEquals(0.0, org.getDouble("spend"));
            assertEquals("default_user_id", org.getString("created_by"));
            assertNotNull(org.getString("created_at"));
          });
          String id = org.getString("organization_id");
          return Future.all(List.of(
              calls.send("/organization/new", new JsonObject().put("organization_alias", "x").put("soft_budget", 1.0)),
              calls.send("/organization/new", new JsonObject().put("organization_alias", "x").put("models", "chat")),
              calls.send("/organization/new", new JsonObject().put("models", new JsonArray())),
              calls.send("/team/new", new JsonObject().put("team_id", "lost").put("organization_id", "ghost-org")),
              calls.send("/organization/member_add", new JsonObject().put("organization_id", id)
                  .put("member", new JsonObject().put("user_id", "u1").put("role", "emperor"))),
              calls.get("/organization/info?organization_id=ghost")))
              .map(all -> {
                List<HttpResponse<Buffer>> r = all.list();
                ctx.verify(() -> {
                  assertEquals("soft_budget", param(r.get(0)));
                  assertEquals("models", param(r.get(1)));
                  assertEquals("organization_alias", param(r.get(2)));
                  assertEquals(400, r.get(3).statusCode(), r.get(3).bodyAsString());
                  assertEquals("organization_id", param(r.get(3)));
                  assertEquals("role", param(r.get(4)));
                  assertEquals(404, r.get(5).statusCode());
                });
                return id;
              });
        })
        .compose(id -> calls.admin("/organization/member_add", new JsonObject().put("organization_id", id)
                .put("member", new JsonArray().add(new JsonObject().put("user_id", "u1").put("role", "org_admin"))
                    .add(new JsonObject().put("user_email", "b@example.com").put("role", "internal_user"))))
            .compose(added -> {
              ctx.verify(() -> {
                assertEquals(id, added.getString("organization_id"));
                assertEquals("u1", added.getJsonArray("updated_users").getJsonObject(0).getString("user_id"));
                assertEquals("b@example.com", added.getJsonArray("updated_users").getJsonObject(1).getString("user_email"));
                JsonObject membership = added.getJsonArray("updated_organization_memberships").getJsonObject(0);
                assertEquals("org_admin", membership.getString("user_role"));
                assertEquals(id, membership.getString("organization_id"));
              });
              return calls.send("/organization/member_add", new JsonObject().put("organization_id", id)
                  .put("member", new JsonObject().put("user_id", "u1").put("role", "internal_user")));
            })
            .compose(again -> {
              ctx.verify(() -> assertEquals(400, again.statusCode(), "a member is added once"));
              return calls.admin("/organization/update", new JsonObject().put("organization_id", id)
                  .put("organization_alias", "acme-2").put("max_budget", 4.0));
            })
            .compose(updated -> {
              ctx.verify(() -> {
                assertEquals("acme-2", updated.getString("organization_alias"));
                assertEquals(4.0, updated.getJsonObject("litellm_budget_table").getDouble("max_budget"));
              });
              return calls.get("/organization/list");
            })
            .compose(list -> {
              ctx.verify(() -> {
                JsonObject only = list.bodyAsJsonArray().getJsonObject(0);
                assertEquals(2, only.getJsonArray("members").size());
                assertEquals(new JsonArray(), only.getJsonArray("teams"));
              });
              return calls.admin("/team/new", new JsonObject().put("team_id", "t-org").put("organization_id", id));
            })
            .compose(team -> calls.send("/organization/delete", new JsonObject().put("organization_ids", new JsonArray().add(id))))
            .compose(deleted -> {
              ctx.verify(() -> {
                assertEquals(200, deleted.statusCode(), deleted.bodyAsString());
                assertEquals(id, deleted.bodyAsJsonArray().getJsonObject(0).getString("organization_id"));
              });
              return calls.get("/team/info?team_id=t-org");
            }))
        .onComplete(ctx.succeeding(team -> ctx.verify(() -> {
          assertNull(team.bodyAsJsonObject().getJsonObject("team_info").getValue("organization_id"),
              "deleting an organization frees its teams");
          ctx.completeNow();
        })));
  }

  @Test
  void an_organizations_budget_holds_the_keys_of_its_teams(VertxTestContext ctx) {
    String[] org = new String[1];
    String[] key = new String[1];
    calls.admin("/organization/new", new JsonObject().put("organization_alias", "small").put("max_budget", 0.01))
        .compose(made -> {
          org[0] = made.getString("organization_id");
          return calls.admin("/team/new", new JsonObject().put("team_id", "t-small").put("organization_id", org[0]));
        })
        .compose(team -> calls.admin("/key/generate", new JsonObject().put("team_id", "t-small")))
        .compose(made -> {
          key[0] = made.getString("key");
          return chat(key[0]);
        })
        .compose(first -> {
          ctx.verify(() -> assertEquals(200, first.statusCode(), first.bodyAsString()));
          return Awaits.until(gw.vertx(), () -> gw.gateway().accounting().writer().writtenRows() >= 1, 20_000);
        })
        .compose(settled -> chat(key[0]))
        .compose(second -> {
          ctx.verify(() -> {
            assertEquals(400, second.statusCode(), second.bodyAsString());
            JsonObject error = second.bodyAsJsonObject().getJsonObject("error");
            assertEquals("budget_exceeded", error.getString("type"));
            assertTrue(error.getString("message").contains("Organization '" + org[0] + "'"), error.encode());
          });
          return Awaits.until(gw.vertx(), () -> gw.gateway().accounting().writer().writtenRows() >= 2, 20_000);
        })
        .compose(written -> calls.get("/organization/info?organization_id=" + org[0]))
        .onComplete(ctx.succeeding(info -> ctx.verify(() -> {
          JsonObject body = info.bodyAsJsonObject();
          assertEquals(0.02, body.getDouble("spend"), 1e-9);
          assertEquals("t-small", body.getJsonArray("teams").getJsonObject(0).getString("team_id"));
          assertEquals(0.01, body.getJsonObject("litellm_budget_table").getDouble("max_budget"));
          ctx.completeNow();
        })));
  }
}
