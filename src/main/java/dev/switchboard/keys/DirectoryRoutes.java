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
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.UUID;

/**
 * LiteLLM's {@code /user/*} and {@code /team/*} APIs, master key only, in LiteLLM's shapes: info
 * answers with the row and its keys (and a user's teams), {@code /user/list} pages as LiteLLM's,
 * {@code /team/list} is a list. A change to a user or a team can change what its keys may do, so
 * every key cache is cleared with it. Members are {@link TeamMembers}'.
 */
public final class DirectoryRoutes {

  static final Map<String, Fields.Kind> USER_FIELDS = fields(
      "user_alias", Fields.Kind.TEXT, "user_email", Fields.Kind.TEXT, "user_role", Fields.Kind.TEXT,
      "models", Fields.Kind.STRINGS, "max_budget", Fields.Kind.NUMBER, "budget_duration", Fields.Kind.PERIOD,
      "rpm_limit", Fields.Kind.WHOLE, "tpm_limit", Fields.Kind.WHOLE, "max_parallel_requests", Fields.Kind.WHOLE,
      "metadata", Fields.Kind.OBJECT, "budget_id", Fields.Kind.TEXT, "model_max_budget", Fields.Kind.OBJECT);
  private static final Map<String, Fields.Kind> TEAM_FIELDS = fields(
      "team_alias", Fields.Kind.TEXT, "models", Fields.Kind.STRINGS, "members_with_roles", Fields.Kind.LIST,
      "blocked", Fields.Kind.FLAG, "max_budget", Fields.Kind.NUMBER, "budget_duration", Fields.Kind.PERIOD,
      "rpm_limit", Fields.Kind.WHOLE, "tpm_limit", Fields.Kind.WHOLE, "max_parallel_requests", Fields.Kind.WHOLE,
      "metadata", Fields.Kind.OBJECT, "organization_id", Fields.Kind.TEXT, "budget_id", Fields.Kind.TEXT,
      "soft_budget", Fields.Kind.NUMBER, "model_max_budget", Fields.Kind.OBJECT);
  /** A team of which the user ($1, as a one-member JSON list) is a member. */
  static final String HAS_MEMBER = "members_with_roles @> $1::jsonb";

  private final Bus bus;
  private final Directory users;
  private final Directory teams;
  private final KeyRoutes keys;

  /** @param keys makes the key {@code /user/new} returns with the user, as LiteLLM does, and lists keys for info */
  public DirectoryRoutes(Bus bus, Pool pool, KeyRoutes keys) {
    this.bus = bus;
    this.users = new Directory(pool, "users", "user_id");
    this.teams = new Directory(pool, "teams", "team_id");
    this.keys = keys;
  }

  public void mount(Router router) {
    router.post("/user/new").handler(AdminRoute.json(this::newUser));
    router.get("/user/info").handler(AdminRoute.json(this::userInfo));
    router.get("/user/list").handler(AdminRoute.json(this::userList));
    changes(router, "/user", users, USER_FIELDS);
    router.post("/team/new").handler(AdminRoute.json(ctx -> create(AdminInput.body(ctx), teams, TEAM_FIELDS, Set.of())));
    router.get("/team/info").handler(AdminRoute.json(this::teamInfo));
    router.get("/team/list").handler(AdminRoute.json(this::teamList));
    changes(router, "/team", teams, TEAM_FIELDS);
    router.post("/team/block").handler(AdminRoute.json(ctx -> setTeam(ctx, Map.of("blocked", true))));
    router.post("/team/unblock").handler(AdminRoute.json(ctx -> setTeam(ctx, Map.of("blocked", false))));
    router.post("/team/model/add").handler(AdminRoute.json(ctx -> changeModels(ctx, true)));
    router.post("/team/model/delete").handler(AdminRoute.json(ctx -> changeModels(ctx, false)));
    new TeamMembers(teams, users, this::keysMayHaveChanged).mount(router);
  }

  private void changes(Router router, String prefix, Directory directory, Map<String, Fields.Kind> fields) {
    String id = directory.idColumn();
    String what = prefix.substring(1);
    router.post(prefix + "/update").handler(AdminRoute.json(ctx -> {
      JsonObject request = AdminInput.body(ctx);
      String wanted = AdminInput.requiredText(request, id, "...");
      return existing(directory.update(wanted, strict(request, fields, Set.of(id))), what, id).map(this::keysMayHaveChanged);
    }));
    router.post(prefix + "/delete").handler(AdminRoute.json(ctx -> {
      List<String> ids = AdminInput.strings(AdminInput.body(ctx), id + "s");
      if (ids.isEmpty()) {
        return Future.failedFuture(GatewayError.badRequest(id + "s",
            "Name what to delete: {\"" + id + "s\": [...]}."));
      }
      return directory.delete(ids).map(deleted -> keysMayHaveChanged(new JsonObject().put("deleted", new JsonArray(deleted))));
    }));
  }

  /** LiteLLM's /user/new makes the user and, unless {@code auto_create_key} is false, a key for it, returned once. */
  private Future<JsonObject> newUser(RoutingContext ctx) {
    JsonObject request = AdminInput.body(ctx);
    Object autoKey = request.getValue("auto_create_key", true);
    if (!(autoKey instanceof Boolean)) {
      return Future.failedFuture(GatewayError.badRequest("auto_create_key", "'auto_create_key' must be true or false."));
    }
    Future<JsonObject> user = create(request, users, USER_FIELDS, Set.of("auto_create_key"));
    if (!(Boolean) autoKey) {
      return user;
    }
    return user.compose(made -> keys.create(Map.of("user_id", made.getString("user_id")))
        .map(key -> made.copy().put("key", key.getString("key")).put("key_name", key.getString("key_name"))));
  }

  /** LiteLLM's shape: {user_id, user_info, keys, teams}. */
  private Future<JsonObject> userInfo(RoutingContext ctx) {
    String userId = idParam(ctx, "user_id");
    return existing(users.find(userId), "user", "user_id").compose(user -> Future.all(
            keys.keysOf(new KeyStore.ListFilter(null, userId, null)),
            teams.where(HAS_MEMBER, asMember(userId)))
        .map(both -> new JsonObject().put("user_id", userId).put("user_info", user)
            .put("keys", both.<JsonArray>resultAt(0)).put("teams", both.<JsonArray>resultAt(1))));
  }

  /** LiteLLM's shape: {team_id, team_info, keys, team_memberships}. */
  private Future<JsonObject> teamInfo(RoutingContext ctx) {
    String teamId = idParam(ctx, "team_id");
    return existing(teams.find(teamId), "team", "team_id").compose(team -> keys.keysOf(new KeyStore.ListFilter(teamId, null, null))
        .map(teamKeys -> new JsonObject().put("team_id", teamId).put("team_info", team).put("keys", teamKeys)
            .put("team_memberships", TeamMembers.memberships(team))));
  }

  /** LiteLLM's page: {users, total, page, page_size, total_pages}. */
  private Future<JsonObject> userList(RoutingContext ctx) {
    int page = AdminInput.positive(ctx, "page", 1);
    int size = Math.min(AdminInput.MAX_PAGE_SIZE, AdminInput.positive(ctx, "page_size", 25));
    return users.list(page, size).map(listed -> new JsonObject().put("users", listed.items())
        .put("total", listed.total()).put("page", page).put("page_size", size)
        .put("total_pages", (listed.total() + size - 1) / size));
  }

  /** LiteLLM's /team/list is a plain list of teams; {@code ?user_id=} keeps the user's teams. */
  private Future<JsonArray> teamList(RoutingContext ctx) {
    String userId = ctx.request().getParam("user_id");
    if (userId != null) {
      return teams.where(HAS_MEMBER, asMember(userId));
    }
    return teams.all();
  }

  private Future<JsonObject> setTeam(RoutingContext ctx, Map<String, Object> columns) {
    String teamId = AdminInput.requiredText(AdminInput.body(ctx), "team_id", "...");
    return existing(teams.update(teamId, columns), "team", "team_id").map(this::keysMayHaveChanged);
  }

  /** /team/model/add and /team/model/delete: {team_id, models}. */
  private Future<JsonObject> changeModels(RoutingContext ctx, boolean add) {
    JsonObject request = AdminInput.body(ctx);
    String teamId = AdminInput.requiredText(request, "team_id", "...");
    List<String> models = AdminInput.strings(request, "models");
    if (models.isEmpty()) {
      return Future.failedFuture(GatewayError.badRequest("models", "Name the models: {\"models\": [\"gpt-4o\"]}."));
    }
    return existing(teams.find(teamId), "team", "team_id").compose(team -> {
      Set<String> now = new LinkedHashSet<>(team.getJsonArray("models", new JsonArray()).getList());
      if (add) {
        now.addAll(models);
      } else {
        now.removeAll(models);
      }
      return teams.update(teamId, Map.of("models", now.toArray(new String[0])));
    }).map(this::keysMayHaveChanged);
  }

  private Future<JsonObject> create(JsonObject request, Directory directory, Map<String, Fields.Kind> fields,
      Set<String> alsoTaken) {
    Map<String, Object> columns = new LinkedHashMap<>();
    String id = request.getValue(directory.idColumn()) instanceof String given && !given.isBlank()
        ? given : UUID.randomUUID().toString();
    columns.put(directory.idColumn(), id);
    Set<String> taken = new java.util.HashSet<>(alsoTaken);
    taken.add(directory.idColumn());
    columns.putAll(strict(request, fields, taken));
    return directory.insert(columns);
  }

  /** The declared fields' columns; any other field, unless the route reads it itself, is a 400 naming it. */
  static Map<String, Object> strict(JsonObject request, Map<String, Fields.Kind> fields, Set<String> alsoTaken) {
    Fields.refuseUndeclared(request, fields, alsoTaken);
    Map<String, Object> columns = Fields.parse(request, fields);
    if (columns.get("model_max_budget") instanceof JsonObject perModel) {
      ModelMaxBudget.check(perModel);
    }
    return columns;
  }

  /** The user as a one-member list, what {@link #HAS_MEMBER} looks for. */
  private static JsonArray asMember(String userId) {
    return new JsonArray().add(new JsonObject().put("user_id", userId));
  }

  private static String idParam(RoutingContext ctx, String id) {
    String wanted = ctx.request().getParam(id);
    if (wanted == null || wanted.isBlank()) {
      throw GatewayError.badRequest(id, "Pass ?" + id + "=...");
    }
    return wanted;
  }

  private JsonObject keysMayHaveChanged(JsonObject answer) {
    bus.announce(Addresses.AUTH_FORGET, KeyForgotten.ALL.toJson());
    return answer;
  }

  static Future<JsonObject> existing(Future<JsonObject> lookup, String what, String param) {
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
