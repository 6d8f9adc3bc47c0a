package dev.switchboard.keys;

import dev.switchboard.admin.AdminInput;
import dev.switchboard.admin.AdminRoute;
import dev.switchboard.errors.GatewayError;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.UnaryOperator;

/**
 * A team's members ({@code members_with_roles}), as LiteLLM's member_add, member_update and
 * member_delete: a member is named by {@code user_id} or {@code user_email}; adding one by an
 * e-mail no user has makes that user, as LiteLLM does; adding a member twice is a 400.
 */
final class TeamMembers {

  private static final Set<String> ROLES = Set.of("admin", "user");

  private final Directory teams;
  private final Directory users;
  private final UnaryOperator<JsonObject> keysMayHaveChanged;

  TeamMembers(Directory teams, Directory users, UnaryOperator<JsonObject> keysMayHaveChanged) {
    this.teams = teams;
    this.users = users;
    this.keysMayHaveChanged = keysMayHaveChanged;
  }

  void mount(Router router) {
    router.post("/team/member_add").handler(AdminRoute.json(this::add));
    router.post("/team/member_update").handler(AdminRoute.json(this::update));
    router.post("/team/member_delete").handler(AdminRoute.json(this::delete));
  }

  /** LiteLLM's team_memberships of a team's info: one per member. */
  static JsonArray memberships(JsonObject team) {
    JsonArray out = new JsonArray();
    for (Object member : team.getJsonArray("members_with_roles", new JsonArray())) {
      out.add(new JsonObject().put("user_id", ((JsonObject) member).getString("user_id"))
          .put("team_id", team.getString("team_id")).putNull("budget_id"));
    }
    return out;
  }

  /** {@code member}: one {user_id | user_email, role} or a list of them. */
  private Future<JsonObject> add(RoutingContext ctx) {
    JsonObject request = AdminInput.body(ctx);
    String teamId = AdminInput.requiredText(request, "team_id", "...");
    Object given = request.getValue("member");
    JsonArray wanted = given instanceof JsonArray list ? list : new JsonArray().add(given);
    List<Future<JsonObject>> resolved = new ArrayList<>();
    for (Object member : wanted) {
      if (!(member instanceof JsonObject object)) {
        return Future.failedFuture(GatewayError.badRequest("member",
            "'member' must be {\"user_id\": \"...\", \"role\": \"user\"} (or user_email) or a list of them."));
      }
      String role = role(object);
      resolved.add(resolve(object, true).map(user -> {
        JsonObject entry = new JsonObject().put("user_id", user.getString("user_id"));
        if (user.getString("user_email") != null) {
          entry.put("user_email", user.getString("user_email"));
        }
        return entry.put("role", role);
      }));
    }
    return DirectoryRoutes.existing(teams.find(teamId), "team", "team_id")
        .compose(team -> Future.all(resolved).compose(all -> {
          Map<String, JsonObject> members = members(team);
          for (JsonObject member : all.<JsonObject>list()) {
            if (members.putIfAbsent(member.getString("user_id"), member) != null) {
              return Future.failedFuture(GatewayError.badRequest("member", "User '" + member.getString("user_id")
                  + "' is already a member of team '" + teamId + "'; use /team/member_update to change the role."));
            }
          }
          return save(teamId, members);
        }))
        .map(keysMayHaveChanged);
  }

  /** {team_id, user_id | user_email, role}: a member's new role. */
  private Future<JsonObject> update(RoutingContext ctx) {
    JsonObject request = AdminInput.body(ctx);
    String teamId = AdminInput.requiredText(request, "team_id", "...");
    String role = role(request);
    return DirectoryRoutes.existing(teams.find(teamId), "team", "team_id")
        .compose(team -> resolve(request, false).compose(user -> {
          Map<String, JsonObject> members = members(team);
          JsonObject member = members.get(user.getString("user_id"));
          if (member == null) {
            return Future.failedFuture(notMember(user, teamId));
          }
          member.put("role", role);
          return save(teamId, members);
        }))
        .map(keysMayHaveChanged);
  }

  private Future<JsonObject> delete(RoutingContext ctx) {
    JsonObject request = AdminInput.body(ctx);
    String teamId = AdminInput.requiredText(request, "team_id", "...");
    return DirectoryRoutes.existing(teams.find(teamId), "team", "team_id")
        .compose(team -> resolve(request, false).compose(user -> {
          Map<String, JsonObject> members = members(team);
          if (members.remove(user.getString("user_id")) == null) {
            return Future.failedFuture(notMember(user, teamId));
          }
          return save(teamId, members);
        }))
        .map(keysMayHaveChanged);
  }

  /**
   * The user a member names: by user_id as given (LiteLLM does not require the user row), or by
   * user_email, made when {@code create} and no user has that e-mail.
   */
  private Future<JsonObject> resolve(JsonObject member, boolean create) {
    if (member.getValue("user_id") instanceof String userId && !userId.isBlank()) {
      return Future.succeededFuture(new JsonObject().put("user_id", userId).put("user_email",
          member.getValue("user_email") instanceof String email ? email : null));
    }
    if (!(member.getValue("user_email") instanceof String email) || email.isBlank()) {
      return Future.failedFuture(GatewayError.badRequest("user_id", "Name the member by user_id or user_email."));
    }
    return users.where("user_email = $1", email).compose(found -> {
      if (!found.isEmpty()) {
        return Future.succeededFuture(found.getJsonObject(0));
      }
      if (!create) {
        return Future.failedFuture(AdminInput.notFound("user", "user_email"));
      }
      Map<String, Object> columns = new LinkedHashMap<>();
      columns.put("user_id", UUID.randomUUID().toString());
      columns.put("user_email", email);
      return users.insert(columns);
    });
  }

  private static String role(JsonObject member) {
    Object role = member.getValue("role", "user");
    if (!(role instanceof String text) || !ROLES.contains(text)) {
      throw GatewayError.badRequest("role", "'role' must be \"admin\" or \"user\".");
    }
    return text;
  }

  private static Map<String, JsonObject> members(JsonObject team) {
    Map<String, JsonObject> members = new LinkedHashMap<>();
    for (Object member : team.getJsonArray("members_with_roles", new JsonArray())) {
      members.put(((JsonObject) member).getString("user_id"), ((JsonObject) member).copy());
    }
    return members;
  }

  private Future<JsonObject> save(String teamId, Map<String, JsonObject> members) {
    return teams.update(teamId, Map.of("members_with_roles", new JsonArray(List.copyOf(members.values()))));
  }

  private static GatewayError notMember(JsonObject user, String teamId) {
    return GatewayError.badRequest("user_id", "User '" + user.getString("user_id") + "' is not a member of team '"
        + teamId + "'.");
  }
}
