package dev.switchboard.keys;

import dev.switchboard.admin.AdminInput;
import dev.switchboard.admin.AdminRoute;
import dev.switchboard.model.KeyForgotten;
import dev.switchboard.bus.Addresses;
import dev.switchboard.bus.Bus;
import dev.switchboard.errors.GatewayError;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * LiteLLM's {@code /user/*} and {@code /team/*} APIs, master key only. A change to a user or a
 * team can change what its keys may do, so every key cache is cleared with it.
 */
public final class DirectoryRoutes {

  private static final Map<String, Fields.Kind> USER_FIELDS = fields(
      "user_alias", Fields.Kind.TEXT, "user_email", Fields.Kind.TEXT, "user_role", Fields.Kind.TEXT,
      "models", Fields.Kind.STRINGS, "max_budget", Fields.Kind.NUMBER, "budget_duration", Fields.Kind.PERIOD,
      "rpm_limit", Fields.Kind.WHOLE, "tpm_limit", Fields.Kind.WHOLE, "max_parallel_requests", Fields.Kind.WHOLE,
      "metadata", Fields.Kind.OBJECT);
  private static final Map<String, Fields.Kind> TEAM_FIELDS = fields(
      "team_alias", Fields.Kind.TEXT, "models", Fields.Kind.STRINGS, "members_with_roles", Fields.Kind.LIST,
      "blocked", Fields.Kind.FLAG, "max_budget", Fields.Kind.NUMBER, "budget_duration", Fields.Kind.PERIOD,
      "rpm_limit", Fields.Kind.WHOLE, "tpm_limit", Fields.Kind.WHOLE, "max_parallel_requests", Fields.Kind.WHOLE,
      "metadata", Fields.Kind.OBJECT);

  private final Bus bus;
  private final Directory users;
  private final Directory teams;
  private final KeyRoutes keys;

  /** @param keys makes the key {@code /user/new} returns with the user, as LiteLLM does */
  public DirectoryRoutes(Bus bus, Pool pool, KeyRoutes keys) {
    this.bus = bus;
    this.users = new Directory(pool, "users", "user_id");
    this.teams = new Directory(pool, "teams", "team_id");
    this.keys = keys;
  }

  public void mount(Router router) {
    router.post("/user/new").handler(AdminRoute.json(this::newUser));
    crud(router, "/user", users, USER_FIELDS);
    router.post("/team/new").handler(AdminRoute.json(ctx -> create(ctx, teams, TEAM_FIELDS)));
    crud(router, "/team", teams, TEAM_FIELDS);
    router.post("/team/member_add").handler(AdminRoute.json(this::addMembers));
    router.post("/team/member_delete").handler(AdminRoute.json(this::deleteMember));
  }

  private void crud(Router router, String prefix, Directory directory, Map<String, Fields.Kind> fields) {
    String id = directory.idColumn();
    String what = prefix.substring(1);
    router.get(prefix + "/info").handler(AdminRoute.json(ctx -> {
      String wanted = ctx.request().getParam(id);
      if (wanted == null || wanted.isBlank()) {
        return Future.failedFuture(GatewayError.badRequest(id, "Pass ?" + id + "=..."));
      }
      return existing(directory.find(wanted), what, id);
    }));
    router.post(prefix + "/update").handler(AdminRoute.json(ctx -> {
      JsonObject request = AdminInput.body(ctx);
      String wanted = AdminInput.requiredText(request, id, "...");
      return existing(directory.update(wanted, Fields.parse(request, fields)), what, id).map(this::keysMayHaveChanged);
    }));
    router.post(prefix + "/delete").handler(AdminRoute.json(ctx -> {
      List<String> ids = AdminInput.strings(AdminInput.body(ctx), id + "s");
      if (ids.isEmpty()) {
        return Future.failedFuture(GatewayError.badRequest(id + "s",
            "Name what to delete: {\"" + id + "s\": [...]}."));
      }
      return directory.delete(ids).map(deleted -> keysMayHaveChanged(new JsonObject().put("deleted", new JsonArray(deleted))));
    }));
    router.get(prefix + "/list").handler(AdminRoute.json(ctx -> directory.list(
        AdminInput.positive(ctx, "page", 1), Math.min(AdminInput.MAX_PAGE_SIZE, AdminInput.positive(ctx, "size", 10)))));
  }

  /** LiteLLM's /user/new makes the user and a key for it, returned once. */
  private Future<JsonObject> newUser(RoutingContext ctx) {
    return create(ctx, users, USER_FIELDS).compose(user -> keys.create(Map.of("user_id", user.getString("user_id")))
        .map(key -> user.copy().put("key", key.getString("key")).put("key_name", key.getString("key_name"))));
  }

  private Future<JsonObject> create(RoutingContext ctx, Directory directory, Map<String, Fields.Kind> fields) {
    JsonObject request = AdminInput.body(ctx);
    Map<String, Object> columns = new LinkedHashMap<>();
    String id = request.getValue(directory.idColumn()) instanceof String given && !given.isBlank()
        ? given : UUID.randomUUID().toString();
    columns.put(directory.idColumn(), id);
    columns.putAll(Fields.parse(request, fields));
    return directory.insert(columns);
  }

  /** {@code member}: one {user_id, role} or a list of them; an existing member gets the new role. */
  private Future<JsonObject> addMembers(RoutingContext ctx) {
    JsonObject request = AdminInput.body(ctx);
    String teamId = AdminInput.requiredText(request, "team_id", "...");
    Object given = request.getValue("member");
    JsonArray added = given instanceof JsonArray list ? list : new JsonArray().add(given);
    for (Object member : added) {
      if (!(member instanceof JsonObject object) || !(object.getValue("user_id") instanceof String)) {
        return Future.failedFuture(GatewayError.badRequest("member",
            "'member' must be {\"user_id\": \"...\", \"role\": \"user\"} or a list of them."));
      }
    }
    return existing(teams.find(teamId), "team", "team_id").compose(team -> {
      Map<String, JsonObject> members = new LinkedHashMap<>();
      for (Object member : team.getJsonArray("members_with_roles", new JsonArray())) {
        members.put(((JsonObject) member).getString("user_id"), (JsonObject) member);
      }
      for (Object member : added) {
        JsonObject object = (JsonObject) member;
        members.put(object.getString("user_id"), new JsonObject().put("user_id", object.getString("user_id"))
            .put("role", object.getString("role", "user")));
      }
      return teams.update(teamId, Map.of("members_with_roles", new JsonArray(List.copyOf(members.values()))));
    }).map(this::keysMayHaveChanged);
  }

  private Future<JsonObject> deleteMember(RoutingContext ctx) {
    JsonObject request = AdminInput.body(ctx);
    String teamId = AdminInput.requiredText(request, "team_id", "...");
    String userId = AdminInput.requiredText(request, "user_id", "...");
    return existing(teams.find(teamId), "team", "team_id").compose(team -> {
      JsonArray kept = new JsonArray();
      for (Object member : team.getJsonArray("members_with_roles", new JsonArray())) {
        if (!userId.equals(((JsonObject) member).getString("user_id"))) {
          kept.add(member);
        }
      }
      return teams.update(teamId, Map.of("members_with_roles", kept));
    }).map(this::keysMayHaveChanged);
  }

  private JsonObject keysMayHaveChanged(JsonObject answer) {
    bus.announce(Addresses.AUTH_FORGET, KeyForgotten.ALL.toJson());
    return answer;
  }

  private static Future<JsonObject> existing(Future<JsonObject> lookup, String what, String param) {
    return lookup.compose(found -> found != null ? Future.succeededFuture(found)
        : Future.failedFuture(AdminInput.notFound(what, param)));
  }

  private static Map<String, Fields.Kind> fields(Object... pairs) {
    Map<String, Fields.Kind> out = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      out.put((String) pairs[i], (Fields.Kind) pairs[i + 1]);
    }
    return Collections.unmodifiableMap(out);
  }
}
