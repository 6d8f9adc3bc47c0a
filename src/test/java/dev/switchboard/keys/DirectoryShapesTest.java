package dev.switchboard.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/** LiteLLM's user and team shapes and member operations, against the embedded Postgres. */
@ExtendWith(VertxExtension.class)
class DirectoryShapesTest {

  static final String MASTER = "sk-master-directory-shapes";

  @RegisterExtension
  final GatewayExtension gw = GatewayExtension.withConfig(m -> """
      model_list:
        - {model_name: chat, litellm_params: {model: openai/chat, api_base: "%1$s", api_key: sk-up}}
        - {model_name: other, litellm_params: {model: openai/other, api_base: "%1$s", api_key: sk-up}}
      general_settings: {master_key: %2$s, database_url: "%3$s"}
      """.formatted(m.apiBase(), MASTER, TestDatabase.newDatabaseUrl()));

  private Future<HttpResponse<Buffer>> post(String path, JsonObject body) {
    return gw.post(path).putHeader("Authorization", "Bearer " + MASTER).sendJsonObject(body);
  }

  private Future<HttpResponse<Buffer>> get(String path) {
    return gw.get(path).putHeader("Authorization", "Bearer " + MASTER).send();
  }

  private static JsonObject ok(HttpResponse<Buffer> response) {
    assertEquals(200, response.statusCode(), response.bodyAsString());
    return response.bodyAsJsonObject();
  }

  private static void refused(HttpResponse<Buffer> response, String param) {
    assertEquals(400, response.statusCode(), response.bodyAsString());
    assertEquals(param, response.bodyAsJsonObject().getJsonObject("error").getString("param"), response.bodyAsString());
  }

  @Test
  void info_and_list_answers_have_litellms_shapes(VertxTestContext ctx) {
    post("/team/new", new JsonObject().put("team_id", "t-shape").put("models", new JsonArray().add("chat")))
        .compose(team -> post("/user/new", new JsonObject().put("user_id", "u-shape")))
        .compose(user -> post("/team/member_add", new JsonObject().put("team_id", "t-shape")
            .put("member", new JsonObject().put("user_id", "u-shape"))))
        .compose(added -> post("/key/generate", new JsonObject().put("team_id", "t-shape")))
        .compose(key -> get("/user/info?user_id=u-shape"))
        .compose(userInfo -> {
          ctx.verify(() -> {
            JsonObject body = ok(userInfo);
            assertEquals(Set.of("user_id", "user_info", "keys", "teams"), body.fieldNames());
            assertEquals("u-shape", body.getJsonObject("user_info").getString("user_id"));
            assertEquals(1, body.getJsonArray("keys").size(), "the key /user/new made");
            assertEquals("t-shape", body.getJsonArray("teams").getJsonObject(0).getString("team_id"));
          });
          return get("/team/info?team_id=t-shape");
        })
        .compose(teamInfo -> {
          ctx.verify(() -> {
            JsonObject body = ok(teamInfo);
            assertEquals(Set.of("team_id", "team_info", "keys", "team_memberships"), body.fieldNames());
            assertEquals(1, body.getJsonArray("keys").size());
            assertEquals("u-shape", body.getJsonArray("team_memberships").getJsonObject(0).getString("user_id"));
          });
          return get("/user/list?page=1&page_size=10");
        })
        .compose(userList -> {
          ctx.verify(() -> {
            JsonObject body = ok(userList);
            assertEquals(1, body.getJsonArray("users").size());
            assertEquals(1L, body.getLong("total"));
            assertEquals(1, body.getInteger("page"));
            assertEquals(10, body.getInteger("page_size"));
            assertEquals(1L, body.getLong("total_pages"));
          });
          return get("/team/list?user_id=u-shape");
        })
        .onComplete(ctx.succeeding(teamList -> ctx.verify(() -> {
          assertEquals(200, teamList.statusCode(), teamList.bodyAsString());
          assertEquals("t-shape", teamList.bodyAsJsonArray().getJsonObject(0).getString("team_id"));
          ctx.completeNow();
        })));
  }

  @Test
  void members_by_email_twice_update_and_delete(VertxTestContext ctx) {
    JsonObject byEmail = new JsonObject().put("team_id", "t-m").put("member", new JsonObject().put("user_email", "ana@example.com"));
    post("/team/new", new JsonObject().put("team_id", "t-m"))
        .compose(team -> post("/team/member_add", byEmail))
        .compose(added -> {
          ctx.verify(() -> {
            JsonObject member = ok(added).getJsonArray("members_with_roles").getJsonObject(0);
            assertEquals("ana@example.com", member.getString("user_email"));
            assertEquals("user", member.getString("role"));
          });
          return post("/team/member_add", byEmail);
        })
        .compose(again -> {
          ctx.verify(() -> refused(again, "member"));
          return post("/team/member_update", new JsonObject().put("team_id", "t-m").put("user_email", "ana@example.com")
              .put("role", "admin"));
        })
        .compose(updated -> {
          ctx.verify(() -> assertEquals("admin", ok(updated).getJsonArray("members_with_roles").getJsonObject(0).getString("role")));
          return post("/team/member_update", new JsonObject().put("team_id", "t-m").put("user_id", "nobody").put("role", "user"));
        })
        .compose(notMember -> {
          ctx.verify(() -> refused(notMember, "user_id"));
          return post("/team/member_delete", new JsonObject().put("team_id", "t-m").put("user_email", "ana@example.com"));
        })
        .onComplete(ctx.succeeding(deleted -> ctx.verify(() -> {
          assertTrue(ok(deleted).getJsonArray("members_with_roles").isEmpty());
          ctx.completeNow();
        })));
  }

  @Test
  void team_block_and_model_changes_take_effect_on_the_next_request(VertxTestContext ctx) {
    String[] key = new String[1];
    post("/team/new", new JsonObject().put("team_id", "t-b").put("models", new JsonArray().add("chat")))
        .compose(team -> post("/key/generate", new JsonObject().put("team_id", "t-b")))
        .compose(made -> {
          key[0] = ok(made).getString("key");
          return chat(key[0], "other");
        })
        .compose(before -> {
          ctx.verify(() -> assertEquals(403, before.statusCode(), before.bodyAsString()));
          return post("/team/model/add", new JsonObject().put("team_id", "t-b").put("models", new JsonArray().add("other")));
        })
        .compose(added -> {
          ctx.verify(() -> assertEquals(List.of("chat", "other"), ok(added).getJsonArray("models").getList()));
          return chat(key[0], "other");
        })
        .compose(allowed -> {
          ctx.verify(() -> assertEquals(200, allowed.statusCode(), allowed.bodyAsString()));
          return post("/team/model/delete", new JsonObject().put("team_id", "t-b").put("models", new JsonArray().add("other")));
        })
        .compose(removed -> chat(key[0], "other"))
        .compose(again -> {
          ctx.verify(() -> assertEquals(403, again.statusCode(), again.bodyAsString()));
          return post("/team/block", new JsonObject().put("team_id", "t-b"));
        })
        .compose(blocked -> chat(key[0], "chat"))
        .compose(refused -> {
          ctx.verify(() -> assertEquals(401, refused.statusCode(), refused.bodyAsString()));
          return post("/team/unblock", new JsonObject().put("team_id", "t-b"));
        })
        .compose(unblocked -> chat(key[0], "chat"))
        .compose(served -> {
          ctx.verify(() -> assertEquals(200, served.statusCode(), served.bodyAsString()));
          return post("/team/new", new JsonObject().put("team_id", "t-x").put("team_member_permissions", new JsonArray()));
        })
        .compose(unknown -> {
          ctx.verify(() -> refused(unknown, "team_member_permissions"));
          return post("/user/new", new JsonObject().put("user_id", "u-x").put("send_invite_email", true));
        })
        .onComplete(ctx.succeeding(unknown -> ctx.verify(() -> {
          refused(unknown, "send_invite_email");
          ctx.completeNow();
        })));
  }

  private Future<HttpResponse<Buffer>> chat(String key, String model) {
    return gw.post("/v1/chat/completions").putHeader("Authorization", "Bearer " + key).sendJsonObject(Requests.hi(model));
  }
}
