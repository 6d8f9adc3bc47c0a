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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Teams and users bound what their keys may use; changing them takes effect at once. */
@ExtendWith(VertxExtension.class)
class TeamsAndUsersTest {

  @RegisterExtension
  final GatewayExtension gw = GatewayExtension.withConfig(m -> """
      model_list:
        - {model_name: chat, litellm_params: {model: openai/chat, api_base: "%1$s", api_key: sk-up}}
        - {model_name: secret-model, litellm_params: {model: openai/secret, api_base: "%1$s", api_key: sk-up}}
      general_settings: {master_key: %2$s, database_url: "%3$s"}
      """.formatted(m.apiBase(), MASTER, TestDatabase.newDatabaseUrl()));

  private static final String MASTER = "sk-master-teams";

  private Future<JsonObject> admin(String path, JsonObject body) {
    return gw.post(path).putHeader("Authorization", "Bearer " + MASTER).sendJsonObject(body)
        .map(response -> {
          assertEquals(200, response.statusCode(), path + ": " + response.bodyAsString());
          return response.bodyAsJsonObject();
        });
  }

  private Future<Integer> chat(String key, String model) {
    return gw.post("/v1/chat/completions").putHeader("Authorization", "Bearer " + key)
        .sendJsonObject(Requests.hi(model))
        .map(HttpResponse::statusCode);
  }

  @Test
  void a_teams_models_bound_its_keys_and_blocking_the_team_stops_them(VertxTestContext ctx) {
    String[] keys = new String[2];
    admin("/team/new", new JsonObject().put("team_id", "t1").put("team_alias", "search")
            .put("models", new JsonArray().add("chat")))
        .compose(team -> admin("/key/generate", new JsonObject().put("team_id", "t1")))
        .compose(key -> {
          keys[0] = key.getString("key");
          return admin("/key/generate", new JsonObject().put("team_id", "t1")
              .put("models", new JsonArray().add("all-team-models")));
        })
        .compose(key -> {
          keys[1] = key.getString("key");
          return Future.all(chat(keys[0], "chat"), chat(keys[0], "secret-model"), chat(keys[1], "chat"),
              chat(keys[1], "secret-model"));
        })
        .compose(statuses -> {
          ctx.verify(() -> assertEquals(List.of(200, 403, 200, 403), statuses.list()));
          return admin("/team/update", new JsonObject().put("team_id", "t1").put("blocked", true));
        })
        .compose(blocked -> chat(keys[0], "chat"))
        .compose(status -> {
          ctx.verify(() -> assertEquals(401, status, "a blocked team's keys stop at once"));
          return admin("/team/update", new JsonObject().put("team_id", "t1").put("blocked", false));
        })
        .compose(unblocked -> chat(keys[0], "chat"))
        .onComplete(ctx.succeeding(status -> ctx.verify(() -> {
          assertEquals(200, status);
          ctx.completeNow();
        })));
  }

  @Test
  void user_new_returns_a_key_bounded_by_the_users_models(VertxTestContext ctx) {
    admin("/user/new", new JsonObject().put("user_id", "u1").put("user_email", "u1@example.com")
            .put("models", new JsonArray().add("secret-model")))
        .compose(user -> {
          String key = user.getString("key");
          ctx.verify(() -> {
            assertEquals("u1", user.getString("user_id"));
            assertTrue(key.startsWith("sk-"));
          });
          return Future.all(chat(key, "chat"), chat(key, "secret-model"),
              gw.get("/v1/models").putHeader("x-api-key", key).send());
        })
        .onComplete(ctx.succeeding(results -> ctx.verify(() -> {
          assertEquals(403, (int) results.resultAt(0));
          assertEquals(200, (int) results.resultAt(1));
          HttpResponse<Buffer> models = results.resultAt(2);
          assertEquals(1, models.bodyAsJsonObject().getJsonArray("data").size());
          ctx.completeNow();
        })));
  }

  @Test
  void members_are_added_and_removed_and_lists_page(VertxTestContext ctx) {
    admin("/team/new", new JsonObject().put("team_id", "t2"))
        .compose(team -> admin("/team/member_add", new JsonObject().put("team_id", "t2").put("member",
            new JsonArray().add(new JsonObject().put("user_id", "a").put("role", "admin"))
                .add(new JsonObject().put("user_id", "b")))))
        .compose(added -> {
          ctx.verify(() -> assertEquals(2, added.getJsonArray("members_with_roles").size()));
          return admin("/team/member_delete", new JsonObject().put("team_id", "t2").put("user_id", "a"));
        })
        .compose(removed -> {
          ctx.verify(() -> assertEquals(new JsonArray().add(new JsonObject().put("user_id", "b").put("role", "user")),
              removed.getJsonArray("members_with_roles")));
          return gw.get("/team/list").putHeader("Authorization", "Bearer " + MASTER).send();
        })
        .compose(list -> {
          ctx.verify(() -> assertEquals(List.of("t2"), list.bodyAsJsonArray().stream()
              .map(team -> ((JsonObject) team).getString("team_id")).toList(), "LiteLLM's /team/list is a list"));
          return admin("/team/delete", new JsonObject().put("team_ids", new JsonArray().add("t2")));
        })
        .compose(deleted -> gw.get("/team/info").addQueryParam("team_id", "t2")
            .putHeader("Authorization", "Bearer " + MASTER).send())
        .onComplete(ctx.succeeding(info -> ctx.verify(() -> {
          assertEquals(404, info.statusCode());
          ctx.completeNow();
        })));
  }
}
