package dev.switchboard.keys;

import dev.switchboard.admin.AdminInput;
import dev.switchboard.errors.GatewayError;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.util.Map;
import java.util.Set;

/**
 * LiteLLM's {@code /organization/member_update} ({organization_id, user_id or user_email, role,
 * max_budget_in_organization}) and {@code /organization/member_delete} ({organization_id, user_id or
 * user_email}). A member's budget in the organization is a budget row its membership links; it
 * holds the spend of the member's keys in the organization's teams. Both answer the membership row,
 * with its {@code litellm_budget_table}.
 */
final class OrganizationMemberChanges {

  private static final Set<String> DELETE_FIELDS = Set.of("organization_id", "user_id", "user_email");
  private static final Set<String> UPDATE_FIELDS = Set.of("organization_id", "user_id", "user_email", "role",
      "max_budget_in_organization");
  private static final String ROW = "SELECT to_jsonb(m) || jsonb_build_object('litellm_budget_table', "
      + "CASE WHEN b.budget_id IS NULL THEN NULL ELSE to_jsonb(b) END) AS membership "
      + "FROM organization_members m LEFT JOIN budgets b ON b.budget_id = m.budget_id ";

  private final Pool pool;
  private final Directory budgets;

  OrganizationMemberChanges(Pool pool, Directory budgets) {
    this.pool = pool;
    this.budgets = budgets;
  }

  Future<JsonObject> update(JsonObject request) {
    Fields.refuseUndeclared(request, Map.of(), UPDATE_FIELDS);
    Object role = request.getValue("role");
    if (role != null && (!(role instanceof String text) || !OrganizationMembers.ROLES.contains(text))) {
      throw GatewayError.badRequest("role", "A member's 'role' must be one of org_admin, internal_user, "
          + "internal_user_viewer.");
    }
    Double budget = OrganizationMembers.budgetInOrganization(request);
    return membership(request).compose(found -> {
      Future<String> budgetId = budget == null ? Future.succeededFuture(found.getString("budget_id"))
          : BudgetRoutes.applyInline(budgets, found.getString("budget_id"), Map.of("max_budget", budget));
      return budgetId.compose(id -> pool.preparedQuery("UPDATE organization_members SET user_role = "
              + "coalesce($3, user_role), budget_id = $4, updated_at = now() WHERE organization_id = $1 AND user_id = $2")
          .execute(Tuple.of(found.getString("organization_id"), found.getString("user_id"), role, id)))
          .compose(done -> one(found.getString("organization_id"), found.getString("user_id")));
    });
  }

  Future<JsonObject> delete(JsonObject request) {
    Fields.refuseUndeclared(request, Map.of(), DELETE_FIELDS);
    return membership(request).compose(found -> pool.preparedQuery(
            "DELETE FROM organization_members WHERE organization_id = $1 AND user_id = $2")
        .execute(Tuple.of(found.getString("organization_id"), found.getString("user_id"))).map(found));
  }

  /** The membership the request names by user_id or user_email; a 404 when there is none. */
  private Future<JsonObject> membership(JsonObject request) {
    String organizationId = AdminInput.requiredText(request, "organization_id", "my-org-id");
    String userId = request.getValue("user_id") instanceof String id ? id : null;
    String email = request.getValue("user_email") instanceof String text ? text : null;
    if (userId == null && email == null) {
      throw GatewayError.badRequest("user_id", "Name the member by 'user_id' or 'user_email'.");
    }
    Future<JsonObject> found = userId != null ? one(organizationId, userId)
        : pool.preparedQuery(ROW + "JOIN users u ON u.user_id = m.user_id WHERE m.organization_id = $1 "
                + "AND u.user_email = $2 LIMIT 1")
            .execute(Tuple.of(organizationId, email))
            .map(rows -> rows.size() == 0 ? null : rows.iterator().next().getJsonObject(0));
    String who = userId != null ? userId : email;
    return found.compose(membership -> membership != null ? Future.succeededFuture(membership)
        : Future.failedFuture(GatewayError.notFound("member_not_found", userId != null ? "user_id" : "user_email",
            "User " + who + " is not a member of organization " + organizationId + ".")));
  }

  private Future<JsonObject> one(String organizationId, String userId) {
    return pool.preparedQuery(ROW + "WHERE m.organization_id = $1 AND m.user_id = $2")
        .execute(Tuple.of(organizationId, userId))
        .map(rows -> rows.size() == 0 ? null : rows.iterator().next().getJsonObject(0));
  }
}
