package dev.switchboard.keys;

import dev.switchboard.admin.AdminInput;
import dev.switchboard.admin.AdminRoute;
import dev.switchboard.errors.GatewayError;
import io.vertx.core.Future;
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

/**
 * LiteLLM's {@code /customer/*} API (also under its old name, {@code /end_user/*}): the end users
 * that requests name in {@code user}, master key only. A customer has a budget, by {@code budget_id}
 * or inline ({@code max_budget}, {@code budget_duration}: its own budget row, as LiteLLM makes one),
 * and can be blocked; both are enforced on every request naming it (see {@link BudgetScopeStore}).
 * Rows carry their budget as {@code litellm_budget_table}, as LiteLLM's do.
 */
public final class CustomerRoutes {

  /** Settable on a customer besides its budget; allowed_model_region, default_model and spend are not enforced, so refused. */
  private static final Map<String, Fields.Kind> FIELDS = new LinkedHashMap<>();
  static {
    FIELDS.put("alias", Fields.Kind.TEXT);
    FIELDS.put("blocked", Fields.Kind.FLAG);
    FIELDS.put("budget_id", Fields.Kind.TEXT);
    FIELDS.put("metadata", Fields.Kind.OBJECT);
  }
  private static final Map<String, Fields.Kind> DECLARED = BudgetRoutes.withLimits(FIELDS);
  private static final String SELECT = "SELECT e.*, " + BudgetRoutes.budgetColumn("b") + " FROM end_users e "
      + "LEFT JOIN budgets b ON b.budget_id = e.budget_id ";

  private final Pool pool;
  private final Directory customers;
  private final Directory budgets;
  private final BudgetScopeStore scopes;

  public CustomerRoutes(Pool pool, BudgetScopeStore scopes) {
    this.pool = pool;
    this.customers = new Directory(pool, "end_users", "user_id");
    this.budgets = new Directory(pool, "budgets", "budget_id");
    this.scopes = scopes;
  }

  public void mount(Router router) {
    for (String prefix : List.of("/customer", "/end_user")) {
      router.post(prefix + "/new").handler(AdminRoute.json(this::create));
      router.post(prefix + "/update").handler(AdminRoute.json(this::update));
      router.get(prefix + "/info").handler(AdminRoute.json(this::info));
      router.get(prefix + "/list").handler(AdminRoute.json(ctx -> rows("ORDER BY e.created_at, e.user_id", Tuple.tuple())));
      router.post(prefix + "/delete").handler(AdminRoute.json(this::delete));
      router.post(prefix + "/block").handler(AdminRoute.json(ctx -> block(ctx, true)));
      router.post(prefix + "/unblock").handler(AdminRoute.json(ctx -> block(ctx, false)));
    }
  }

  private Future<JsonObject> create(RoutingContext ctx) {
    JsonObject request = AdminInput.body(ctx);
    Fields.refuseUndeclared(request, DECLARED, Set.of("user_id"));
    String userId = AdminInput.requiredText(request, "user_id", "customer-1");
    Map<String, Object> columns = new LinkedHashMap<>();
    columns.put("user_id", userId);
    columns.putAll(Fields.parse(request, FIELDS));
    Map<String, Object> limits = BudgetRoutes.inlineLimits(request);
    return BudgetRoutes.linkableOutside(budgets, (String) columns.get("budget_id"))
        .compose(ok -> BudgetRoutes.applyInline(budgets, (String) columns.get("budget_id"), limits))
        .compose(budgetId -> {
          if (budgetId != null) {
            columns.put("budget_id", budgetId);
          }
          return customers.insert(columns);
        })
        .recover(failure -> Future.failedFuture(failure instanceof GatewayError error && "user_id".equals(error.param())
            ? GatewayError.badRequest("user_id", "Customer already exists, passed user_id=" + userId
                + ". Please pass a new user_id.") : failure))
        .compose(made -> one(userId)).map(this::changed); // a request may have found it missing a moment ago
  }

  private Future<JsonObject> update(RoutingContext ctx) {
    JsonObject request = AdminInput.body(ctx);
    Fields.refuseUndeclared(request, DECLARED, Set.of("user_id"));
    String userId = AdminInput.requiredText(request, "user_id", "customer-1");
    Map<String, Object> columns = new LinkedHashMap<>(Fields.parse(request, FIELDS));
    Map<String, Object> limits = BudgetRoutes.inlineLimits(request);
    return BudgetRoutes.linkableOutside(budgets, (String) columns.get("budget_id"))
        .compose(ok -> existing(customers.find(userId), userId, "user_id"))
        .compose(found -> BudgetRoutes.applyInline(budgets,
            columns.containsKey("budget_id") ? (String) columns.get("budget_id") : found.getString("budget_id"), limits))
        .compose(budgetId -> {
          if (budgetId != null) {
            columns.put("budget_id", budgetId);
          }
          return customers.update(userId, columns);
        })
        .compose(updated -> one(userId)).map(this::changed);
  }

  /** LiteLLM leaves unset fields out of /customer/info (it drops nulls). */
  private Future<JsonObject> info(RoutingContext ctx) {
    String userId = ctx.request().getParam("end_user_id");
    if (userId == null || userId.isBlank()) {
      throw GatewayError.badRequest("end_user_id", "Pass ?end_user_id=...");
    }
    return existing(one(userId), userId, "end_user_id").map(CustomerRoutes::withoutNulls);
  }

  /** All or nothing: one missing id is a 404 naming it, as LiteLLM's; else {deleted_customers, message}. */
  private Future<JsonObject> delete(RoutingContext ctx) {
    List<String> ids = requiredIds(AdminInput.body(ctx));
    String[] wanted = ids.toArray(new String[0]);
    return customers.where("user_id = ANY($1)", wanted).compose(found -> {
      List<String> missing = new ArrayList<>(ids);
      found.forEach(row -> missing.remove(((JsonObject) row).getString("user_id")));
      if (!missing.isEmpty()) {
        return Future.failedFuture(GatewayError.notFound("not_found", "user_ids",
            "End User Id(s)=" + String.join(", ", missing) + " do not exist in db"));
      }
      return customers.delete(ids).map(deleted -> new JsonObject().put("deleted_customers", deleted.size())
          .put("message", "Successfully deleted customers with ids: " + pythonList(ids)));
    }).map(this::changed);
  }

  /**
   * /customer/block makes unknown customers (blocked), as LiteLLM does, and answers
   * {blocked_users: [rows]}; /customer/unblock answers the ids still blocked, as LiteLLM's does.
   */
  private Future<JsonObject> block(RoutingContext ctx, boolean blocked) {
    String[] ids = requiredIds(AdminInput.body(ctx)).toArray(new String[0]);
    Future<?> done = pool.preparedQuery("INSERT INTO end_users (user_id, blocked) SELECT unnest($1::text[]), $2 "
        + "ON CONFLICT (user_id) DO UPDATE SET blocked = EXCLUDED.blocked, updated_at = now()").execute(Tuple.of(ids, blocked));
    if (blocked) {
      return done.compose(v -> rows("WHERE e.user_id = ANY($1) ORDER BY e.user_id", Tuple.of(ids)))
          .map(rows -> changed(new JsonObject().put("blocked_users", rows)));
    }
    return done.compose(v -> pool.query("SELECT user_id FROM end_users WHERE blocked ORDER BY user_id").execute())
        .map(rows -> {
          JsonArray still = new JsonArray();
          rows.forEach(row -> still.add(row.getString(0)));
          return changed(new JsonObject().put("blocked_users", still));
        });
  }

  private Future<JsonObject> one(String userId) {
    return rows("WHERE e.user_id = $1", Tuple.of(userId)).map(found -> found.isEmpty() ? null : found.getJsonObject(0));
  }

  private Future<JsonArray> rows(String where, Tuple parameters) {
    return Directory.query(pool, SELECT + where, parameters);
  }


  private static List<String> requiredIds(JsonObject body) {
    List<String> ids = AdminInput.strings(body, "user_ids");
    if (ids.isEmpty()) {
      throw GatewayError.badRequest("user_ids", "Name the customers: {\"user_ids\": [\"customer-1\"]}.");
    }
    return ids;
  }

  private static Future<JsonObject> existing(Future<JsonObject> lookup, String userId, String param) {
    return lookup.compose(found -> found != null ? Future.succeededFuture(found) : Future.failedFuture(
        GatewayError.notFound("not_found", param, "End User Id=" + userId + " does not exist in db")));
  }

  private static JsonObject withoutNulls(JsonObject row) {
    JsonObject out = new JsonObject();
    row.forEach(entry -> {
      if (entry.getValue() != null) {
        out.put(entry.getKey(), entry.getValue());
      }
    });
    return out;
  }

  /** How LiteLLM's message prints the ids: a Python list. */
  private static String pythonList(List<String> ids) {
    return "[" + String.join(", ", ids.stream().map(id -> "'" + id + "'").toList()) + "]";
  }

  private <T> T changed(T answer) {
    scopes.changed();
    return answer;
  }

}
