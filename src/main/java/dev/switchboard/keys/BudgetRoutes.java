package dev.switchboard.keys;

import dev.switchboard.admin.AdminInput;
import dev.switchboard.admin.AdminRoute;
import dev.switchboard.errors.GatewayError;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * LiteLLM's {@code /budget/*} API: reusable budget objects that keys, users, teams, customers and
 * organizations point at by {@code budget_id}, master key only, rows in LiteLLM's shape. max_budget
 * and budget_duration hold for every holder. LiteLLM's rpm_limit, tpm_limit, max_parallel_requests,
 * soft_budget and model_max_budget hold for the keys, users and teams that link the budget (the key
 * store folds them into the holder's own); a customer or an organization cannot link a budget that
 * sets them, since nothing would enforce them there. budget_reset_at is refused: periods here start
 * at midnight in the proxy's timezone, not at a stored time.
 */
public final class BudgetRoutes {

  /** The limits of a budget, on /budget/* and inline on customers and organizations. */
  static final Map<String, Fields.Kind> LIMITS = limits();
  /** The budget table's limits that only keys, users and teams enforce when they link it. */
  static final Map<String, Fields.Kind> HOLDER_LIMITS = holderLimits();
  private static final Map<String, Fields.Kind> BUDGET_FIELDS = withLimits(HOLDER_LIMITS);
  private static final String FOREIGN_KEY_VIOLATION = "23503";

  private final Pool pool;
  private final Directory budgets;
  private final BudgetScopeStore scopes;

  public BudgetRoutes(Pool pool, BudgetScopeStore scopes) {
    this.pool = pool;
    this.budgets = new Directory(pool, "budgets", "budget_id");
    this.scopes = scopes;
  }

  public void mount(Router router) {
    router.post("/budget/new").handler(AdminRoute.json(ctx -> {
      JsonObject request = AdminInput.body(ctx);
      String id = request.getValue("budget_id") instanceof String given && !given.isBlank()
          ? given : UUID.randomUUID().toString();
      return create(budgets, id, budgetFields(request));
    }));
    router.post("/budget/update").handler(AdminRoute.json(ctx -> {
      JsonObject request = AdminInput.body(ctx);
      String id = AdminInput.requiredText(request, "budget_id", "free-tier");
      Map<String, Object> columns = new LinkedHashMap<>(budgetFields(request));
      String extra = firstSet(columns);
      Future<Void> allowed = extra == null ? Future.succeededFuture() : refuseIfOuterHolder(id, extra);
      columns.put("updated_by", KeyView.ADMIN);
      return allowed.compose(ok -> DirectoryRoutes.existing(budgets.update(id, columns), "budget", "budget_id"))
          .map(this::changed);
    }));
    router.post("/budget/info").handler(AdminRoute.json(ctx -> {
      List<String> ids = AdminInput.strings(AdminInput.body(ctx), "budgets");
      if (ids.isEmpty()) {
        return Future.failedFuture(GatewayError.badRequest("budgets",
            "Specify list of budget id's to query: {\"budgets\": [\"free-tier\"]}."));
      }
      return budgets.where("budget_id = ANY($1)", ids.toArray(new String[0]));
    }));
    router.get("/budget/list").handler(AdminRoute.json(ctx -> budgets.all()));
    router.post("/budget/delete").handler(AdminRoute.json(ctx -> {
      String id = AdminInput.requiredText(AdminInput.body(ctx), "id", "free-tier");
      return delete(id).map(this::changed);
    }));
  }

  /** A /budget/new or /budget/update body's columns; budget_reset_at and unknown fields are a 400. */
  private static Map<String, Object> budgetFields(JsonObject request) {
    Fields.refuseUndeclared(request, BUDGET_FIELDS, Set.of("budget_id"));
    Map<String, Object> columns = Fields.parse(request, BUDGET_FIELDS);
    if (columns.get("model_max_budget") instanceof JsonObject perModel) {
      ModelMaxBudget.check(perModel);
    }
    return columns;
  }

  /** The first of the keys-users-teams-only limits these columns set (not clear), or null. */
  private static String firstSet(Map<String, Object> columns) {
    for (String field : HOLDER_LIMITS.keySet()) {
      Object value = columns.get(field);
      if (value != null && !(value instanceof JsonObject object && object.isEmpty())) {
        return field;
      }
    }
    return null;
  }

  /** A 400 when a customer, an organization or an organization member uses this budget: they would ignore {@code field}. */
  private Future<Void> refuseIfOuterHolder(String id, String field) {
    return pool.preparedQuery("SELECT EXISTS (SELECT 1 FROM end_users WHERE budget_id = $1) "
            + "OR EXISTS (SELECT 1 FROM organizations WHERE budget_id = $1) "
            + "OR EXISTS (SELECT 1 FROM organization_members WHERE budget_id = $1)")
        .execute(Tuple.of(id))
        .compose(rows -> Boolean.TRUE.equals(rows.iterator().next().getBoolean(0))
            ? Future.failedFuture(GatewayError.badRequest(field,
                outerMessage(field, "Budget '" + id + "' is used by a customer or an organization")))
            : Future.succeededFuture());
  }

  /**
   * A 400 when the budget a customer or an organization is about to link ({@code budgetId}, null for
   * none) sets a limit only keys, users and teams enforce.
   */
  static Future<Void> linkableOutside(Directory budgets, String budgetId) {
    if (budgetId == null) {
      return Future.succeededFuture();
    }
    return budgets.find(budgetId).compose(found -> {
      String extra = found == null ? null : firstSet(found.getMap());
      return extra == null ? Future.succeededFuture() : Future.failedFuture(GatewayError.badRequest("budget_id",
          outerMessage(extra, "Budget '" + budgetId + "' sets it")));
    });
  }

  private static String outerMessage(String field, String why) {
    return "'" + field + "' of a budget is enforced for the keys, users and teams "
        + "that link it, not for customers or organizations. " + why + "; give them a budget with only max_budget "
        + "and budget_duration.";
  }

  /** A new budget row with these limits; a 400 when the id is taken. */
  static Future<JsonObject> create(Directory budgets, String id, Map<String, Object> limits) {
    Map<String, Object> columns = new LinkedHashMap<>();
    columns.put("budget_id", id);
    columns.putAll(limits);
    columns.put("created_by", KeyView.ADMIN);
    columns.put("updated_by", KeyView.ADMIN);
    return budgets.insert(columns);
  }

  /**
   * Applies inline limits (max_budget, budget_duration on a customer or an organization) to its
   * budget: changes the one it has, or makes it one. The budget's id, or {@code current} when
   * there were no limits to apply.
   */
  static Future<String> applyInline(Directory budgets, String current, Map<String, Object> limits) {
    if (limits.isEmpty()) {
      return Future.succeededFuture(current);
    }
    if (current == null) {
      return create(budgets, UUID.randomUUID().toString(), limits).map(made -> made.getString("budget_id"));
    }
    Map<String, Object> columns = new LinkedHashMap<>(limits);
    columns.put("updated_by", KeyView.ADMIN);
    return budgets.update(current, columns).map(current);
  }

  private Future<JsonObject> delete(String id) {
    return budgets.where("budget_id = $1", id).compose(found -> {
      if (found.isEmpty()) {
        return Future.failedFuture(AdminInput.notFound("budget", "id"));
      }
      return budgets.delete(List.of(id)).<JsonObject>map(deleted -> found.getJsonObject(0))
          .recover(failure -> Future.failedFuture(failure instanceof PgException pg
              && FOREIGN_KEY_VIOLATION.equals(pg.getSqlState())
              ? GatewayError.badRequest("id", "Budget '" + id + "' is still used by a customer, an organization, "
                  + "a member, a key, a user or a team; point them at another budget first.") : failure));
    });
  }

  private <T> T changed(T answer) {
    scopes.changed();
    return answer;
  }

  private static Map<String, Fields.Kind> limits() {
    Map<String, Fields.Kind> limits = new LinkedHashMap<>();
    limits.put("max_budget", Fields.Kind.NUMBER);
    limits.put("budget_duration", Fields.Kind.PERIOD);
    return Collections.unmodifiableMap(limits);
  }

  private static Map<String, Fields.Kind> holderLimits() {
    Map<String, Fields.Kind> limits = new LinkedHashMap<>();
    limits.put("rpm_limit", Fields.Kind.WHOLE);
    limits.put("tpm_limit", Fields.Kind.WHOLE);
    limits.put("max_parallel_requests", Fields.Kind.WHOLE);
    limits.put("soft_budget", Fields.Kind.NUMBER);
    limits.put("model_max_budget", Fields.Kind.OBJECT);
    return Collections.unmodifiableMap(limits);
  }

  /** SQL for a row's budget as one JSON column, {@code litellm_budget_table} as LiteLLM nests it; null without one. */
  static String budgetColumn(String alias) {
    return "CASE WHEN " + alias + ".budget_id IS NULL THEN NULL ELSE to_jsonb(" + alias + ") END AS litellm_budget_table";
  }

  /** A customer's or organization's budget given inline; with budget_id too the two would contradict each other. */
  static Map<String, Object> inlineLimits(JsonObject request) {
    Map<String, Object> limits = Fields.parse(request, LIMITS);
    if (!limits.isEmpty() && request.getValue("budget_id") != null) {
      throw GatewayError.badRequest("budget_id", "Give either 'budget_id' or the budget's limits ("
          + String.join(", ", limits.keySet()) + "), not both.");
    }
    return limits;
  }

  /** An object's own fields and the budget limits it may carry inline. */
  static Map<String, Fields.Kind> withLimits(Map<String, Fields.Kind> fields) {
    Map<String, Fields.Kind> all = new LinkedHashMap<>(fields);
    all.putAll(LIMITS);
    return all;
  }
}
