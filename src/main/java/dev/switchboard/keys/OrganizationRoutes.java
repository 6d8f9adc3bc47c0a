package dev.switchboard.keys;

import dev.switchboard.admin.AdminInput;
import dev.switchboard.admin.AdminRoute;
import dev.switchboard.errors.GatewayError;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * LiteLLM's {@code /organization/*} API, master key only: organizations above teams (a team joins
 * one with {@code organization_id}), each with a budget as LiteLLM gives every organization one.
 * The budget's max_budget is enforced over the spend of every key of the organization's teams (see
 * {@link BudgetScopeStore}). An organization's {@code models} bound its teams' (a key of a team in it
 * may use only models all of its own, its team's and the organization's lists allow; empty = all).
 * Members are kept as LiteLLM's organization memberships.
 */
public final class OrganizationRoutes {

  private static final Map<String, Fields.Kind> FIELDS = new LinkedHashMap<>();
  static {
    FIELDS.put("organization_alias", Fields.Kind.TEXT);
    FIELDS.put("models", Fields.Kind.STRINGS);
    FIELDS.put("budget_id", Fields.Kind.TEXT);
    FIELDS.put("metadata", Fields.Kind.OBJECT);
  }
  private static final Map<String, Fields.Kind> DECLARED = BudgetRoutes.withLimits(FIELDS);
  private static final String SELECT = "SELECT o.*, " + BudgetRoutes.budgetColumn("b") + ", "
      + "coalesce((SELECT jsonb_agg(to_jsonb(m) ORDER BY m.created_at, m.user_id) FROM organization_members m "
      + "WHERE m.organization_id = o.organization_id), '[]') AS members, "
      + "coalesce((SELECT jsonb_agg(to_jsonb(t) ORDER BY t.created_at, t.team_id) FROM teams t "
      + "WHERE t.organization_id = o.organization_id), '[]') AS teams "
      + "FROM organizations o LEFT JOIN budgets b ON b.budget_id = o.budget_id ";

  private final Pool pool;
  private final Directory organizations;
  private final Directory budgets;
  private final Directory users;
  private final BudgetScopeStore scopes;

  public OrganizationRoutes(Pool pool, BudgetScopeStore scopes) {
    this.pool = pool;
    this.organizations = new Directory(pool, "organizations", "organization_id");
    this.budgets = new Directory(pool, "budgets", "budget_id");
    this.users = new Directory(pool, "users", "user_id");
    this.scopes = scopes;
  }

  public void mount(Router router) {
    router.post("/organization/new").handler(AdminRoute.json(this::create));
    router.patch("/organization/update").handler(AdminRoute.json(this::update));
    router.post("/organization/update").handler(AdminRoute.json(this::update));
    router.get("/organization/info").handler(AdminRoute.json(this::info));
    router.get("/organization/list").handler(AdminRoute.json(ctx -> rows("ORDER BY o.created_at, o.organization_id",
        Tuple.tuple())));
    router.delete("/organization/delete").handler(AdminRoute.json(this::delete));
    router.post("/organization/delete").handler(AdminRoute.json(this::delete));
    router.post("/organization/member_add").handler(AdminRoute.json(ctx -> new OrganizationMembers(pool, users, budgets)
        .add(AdminInput.body(ctx), this::exists).map(this::changed)));
    OrganizationMemberChanges members = new OrganizationMemberChanges(pool, budgets);
    for (HttpMethod method : List.of(HttpMethod.PATCH, HttpMethod.POST)) {
      router.route(method, "/organization/member_update").handler(AdminRoute.json(ctx ->
          members.update(AdminInput.body(ctx)).map(this::changed)));
    }
    for (HttpMethod method : List.of(HttpMethod.DELETE, HttpMethod.POST)) {
      router.route(method, "/organization/member_delete").handler(AdminRoute.json(ctx ->
          members.delete(AdminInput.body(ctx)).map(this::changed)));
    }
  }

  /** LiteLLM gives every organization a budget: the given budget_id, else a new one from the inline limits. */
  private Future<JsonObject> create(RoutingContext ctx) {
    JsonObject request = AdminInput.body(ctx);
    Fields.refuseUndeclared(request, DECLARED, Set.of("organization_id"));
    AdminInput.requiredText(request, "organization_alias", "my-org");
    String id = request.getValue("organization_id") instanceof String given && !given.isBlank()
        ? given : UUID.randomUUID().toString();
    Map<String, Object> columns = new LinkedHashMap<>();
    columns.put("organization_id", id);
    columns.putAll(parse(request));
    Map<String, Object> limits = BudgetRoutes.inlineLimits(request);
    Future<String> budget = columns.get("budget_id") != null
        ? BudgetRoutes.linkableOutside(budgets, (String) columns.get("budget_id")).map((String) columns.get("budget_id"))
        : BudgetRoutes.create(budgets, UUID.randomUUID().toString(), limits).map(made -> made.getString("budget_id"));
    return budget.compose(budgetId -> {
      columns.put("budget_id", budgetId);
      columns.put("created_by", KeyView.ADMIN);
      columns.put("updated_by", KeyView.ADMIN);
      return organizations.insert(columns);
    }).map(this::changed);
  }

  private Future<JsonObject> update(RoutingContext ctx) {
    JsonObject request = AdminInput.body(ctx);
    Fields.refuseUndeclared(request, DECLARED, Set.of("organization_id"));
    String id = AdminInput.requiredText(request, "organization_id", "my-org-id");
    Map<String, Object> columns = new LinkedHashMap<>(parse(request));
    Map<String, Object> limits = BudgetRoutes.inlineLimits(request);
    return BudgetRoutes.linkableOutside(budgets, (String) columns.get("budget_id"))
        .compose(ok -> DirectoryRoutes.existing(organizations.find(id), "organization", "organization_id"))
        .compose(found -> BudgetRoutes.applyInline(budgets, found.getString("budget_id"), limits))
        .compose(budgetId -> {
          columns.put("updated_by", KeyView.ADMIN);
          return organizations.update(id, columns);
        })
        .compose(updated -> one(id)).map(this::changed);
  }

  /** LiteLLM's shape: the organization with litellm_budget_table, members and teams. */
  private Future<JsonObject> info(RoutingContext ctx) {
    String id = ctx.request().getParam("organization_id");
    if (id == null || id.isBlank()) {
      throw GatewayError.badRequest("organization_id", "Pass ?organization_id=...");
    }
    return DirectoryRoutes.existing(one(id), "organization", "organization_id");
  }

  /** {organization_ids: [...]}: all or nothing, the deleted organizations as LiteLLM answers them. */
  private Future<JsonArray> delete(RoutingContext ctx) {
    List<String> ids = AdminInput.strings(AdminInput.body(ctx), "organization_ids");
    if (ids.isEmpty()) {
      return Future.failedFuture(GatewayError.badRequest("organization_ids",
          "Name the organizations: {\"organization_ids\": [\"my-org-id\"]}."));
    }
    return rows("WHERE o.organization_id = ANY($1) ORDER BY o.created_at", Tuple.of(ids.toArray(new String[0])))
        .compose(found -> {
          if (found.size() < ids.size()) {
            List<String> missing = new ArrayList<>(ids);
            found.forEach(row -> missing.remove(((JsonObject) row).getString("organization_id")));
            return Future.failedFuture(GatewayError.notFound("organization_not_found", "organization_ids",
                "Organization(s) not found: " + String.join(", ", missing) + "."));
          }
          return organizations.delete(ids).map(found);
        }).map(this::changed);
  }

  private Future<Void> exists(String id) {
    return DirectoryRoutes.existing(organizations.find(id), "organization", "organization_id").mapEmpty();
  }

  private Future<JsonObject> one(String id) {
    return rows("WHERE o.organization_id = $1", Tuple.of(id)).map(found -> found.isEmpty() ? null : found.getJsonObject(0));
  }

  private Future<JsonArray> rows(String where, Tuple parameters) {
    return Directory.query(pool, SELECT + where, parameters);
  }

  /** The organization's own columns. */
  private static Map<String, Object> parse(JsonObject request) {
    return Fields.parse(request, FIELDS);
  }


  private <T> T changed(T answer) {
    scopes.changed();
    return answer;
  }

}
