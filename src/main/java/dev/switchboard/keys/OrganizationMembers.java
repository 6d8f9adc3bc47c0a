package dev.switchboard.keys;

import dev.switchboard.admin.AdminInput;
import dev.switchboard.errors.GatewayError;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;

/**
 * {@code /organization/member_add}: {organization_id, member} where member is one {user_id or
 * user_email, role} or a list of them. A member who is not yet a user becomes one, as in LiteLLM;
 * adding a member twice is a 400; {@code max_budget_in_organization} gives each added member that
 * budget within the organization. Answers LiteLLM's {organization_id, updated_users,
 * updated_organization_memberships}.
 */
final class OrganizationMembers {

  static final Set<String> ROLES = Set.of("org_admin", "internal_user", "internal_user_viewer");
  private static final Set<String> REQUEST_FIELDS = Set.of("organization_id", "member", "max_budget_in_organization");
  private static final Set<String> MEMBER_FIELDS = Set.of("user_id", "user_email", "role");
  private static final String UNIQUE_VIOLATION = "23505";

  private final Pool pool;
  private final Directory users;
  private final Directory budgets;

  OrganizationMembers(Pool pool, Directory users, Directory budgets) {
    this.pool = pool;
    this.users = users;
    this.budgets = budgets;
  }

  /** LiteLLM's max_budget_in_organization: a number of at least 0, or null when not given. */
  static Double budgetInOrganization(JsonObject request) {
    Object value = request.getValue("max_budget_in_organization");
    if (value != null && (!(value instanceof Number n) || n.doubleValue() < 0)) {
      throw GatewayError.badRequest("max_budget_in_organization", "'max_budget_in_organization' must be a number of "
          + "at least 0 (USD).");
    }
    return value == null ? null : ((Number) value).doubleValue();
  }

  /** @param exists fails with a 404 when the organization does not exist */
  Future<JsonObject> add(JsonObject request, Function<String, Future<Void>> exists) {
    Fields.refuseUndeclared(request, Map.of(), REQUEST_FIELDS);
    String organizationId = AdminInput.requiredText(request, "organization_id", "my-org-id");
    List<JsonObject> members = members(request.getValue("member"));
    Double budget = budgetInOrganization(request);
    JsonArray updatedUsers = new JsonArray();
    JsonArray memberships = new JsonArray();
    Future<Void> chain = exists.apply(organizationId);
    for (JsonObject member : members) {
      chain = chain.compose(v -> user(member)).compose(user -> {
        updatedUsers.add(user);
        // Each member gets a budget of its own, so one member's spend never uses another's.
        Future<String> budgetId = budget == null ? Future.succeededFuture()
            : BudgetRoutes.applyInline(budgets, null, Map.of("max_budget", budget));
        return budgetId.compose(id -> join(organizationId, user.getString("user_id"), member.getString("role"), id));
      }).map(membership -> {
        memberships.add(membership);
        return null;
      });
    }
    return chain.map(v -> new JsonObject().put("organization_id", organizationId)
        .put("updated_users", updatedUsers).put("updated_organization_memberships", memberships));
  }

  /** The member's user row: found by user_id, else by user_email, else made. */
  private Future<JsonObject> user(JsonObject member) {
    String userId = member.getString("user_id");
    String email = member.getString("user_email");
    Future<JsonObject> found = userId != null ? users.find(userId)
        : users.where("user_email = $1", email).map(rows -> rows.isEmpty() ? null : rows.getJsonObject(0));
    return found.compose(user -> {
      if (user != null) {
        return Future.succeededFuture(user);
      }
      Map<String, Object> columns = new LinkedHashMap<>();
      columns.put("user_id", userId != null ? userId : UUID.randomUUID().toString());
      if (email != null) {
        columns.put("user_email", email);
      }
      return users.insert(columns);
    });
  }

  private Future<JsonObject> join(String organizationId, String userId, String role, String budgetId) {
    return pool.preparedQuery("INSERT INTO organization_members (user_id, organization_id, user_role, budget_id) "
            + "VALUES ($1, $2, $3, $4) RETURNING *")
        .execute(Tuple.of(userId, organizationId, role, budgetId))
        .map(rows -> Directory.json(rows.iterator().next()))
        .recover(failure -> Future.failedFuture(failure instanceof PgException pg
            && UNIQUE_VIOLATION.equals(pg.getSqlState())
            ? GatewayError.badRequest("member", "User " + userId + " is already a member of organization "
                + organizationId + ".") : failure));
  }

  private static List<JsonObject> members(Object value) {
    List<JsonObject> members = new ArrayList<>();
    if (value instanceof JsonObject one) {
      members.add(one);
    } else if (value instanceof JsonArray list && !list.isEmpty()) {
      for (Object item : list) {
        if (!(item instanceof JsonObject member)) {
          throw GatewayError.badRequest("member", "'member' must be an object or a list of objects.");
        }
        members.add(member);
      }
    } else {
      throw GatewayError.badRequest("member",
          "Name the member: {\"member\": {\"user_id\": \"...\", \"role\": \"internal_user\"}}.");
    }
    for (JsonObject member : members) {
      Fields.refuseUndeclared(member, Map.of(), MEMBER_FIELDS);
      if (!(member.getValue("user_id") instanceof String) && !(member.getValue("user_email") instanceof String)) {
        throw GatewayError.badRequest("member", "Each member needs a user_id or a user_email.");
      }
      if (!(member.getValue("role") instanceof String role) || !ROLES.contains(role)) {
        throw GatewayError.badRequest("role", "A member's 'role' must be one of org_admin, internal_user, "
            + "internal_user_viewer.");
      }
    }
    return members;
  }
}
