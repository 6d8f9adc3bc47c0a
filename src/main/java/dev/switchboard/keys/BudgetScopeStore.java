package dev.switchboard.keys;

import dev.switchboard.bus.Addresses;
import dev.switchboard.bus.Bus;
import dev.switchboard.model.BudgetScopes;
import dev.switchboard.model.KeyForgotten;
import dev.switchboard.store.SafeText;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Customers' and organizations' budgets, read from Postgres for each request that names a
 * {@code user} or comes from a team's key. Each answer is kept for a few seconds (as LiteLLM keeps
 * its end-user and organization objects), and dropped when an admin changes a customer, an
 * organization, a budget, a user or a team: at once on this gateway, on the others when the change's
 * announcement (the one that clears every key cache) reaches them.
 */
public final class BudgetScopeStore implements BudgetScopes {

  private static final long KEEP_NANOS = TimeUnit.SECONDS.toNanos(5);
  /** Past this many kept answers (customers are whatever clients send), all are dropped at once. */
  private static final int MAX_KEPT = 10_000;

  /** A customer's row, or null when it has none. */
  private record Customer(boolean blocked, Double maxBudget, String budgetDuration) {
  }

  private record Kept<T>(Future<T> value, long untilNanos) {
  }

  private final Pool pool;
  private final Bus bus;
  private final Map<String, Kept<Customer>> customers = new ConcurrentHashMap<>();
  private final Map<String, Kept<Scope>> organizations = new ConcurrentHashMap<>();
  /** Per team and user ("team\nuser"): the user's budget in the team's organization. */
  private final Map<String, Kept<Scope>> members = new ConcurrentHashMap<>();

  public BudgetScopeStore(Pool pool, Bus bus) {
    this.pool = pool;
    this.bus = bus;
  }

  /** Forgets what it keeps whenever any gateway announces that every key's limits may have changed. */
  public Future<Void> listen() {
    return bus.hear(Addresses.AUTH_FORGET, news -> {
      if (KeyForgotten.from(news).tokenHash() == null) {
        forget();
      }
    });
  }

  /** An admin changed a customer, an organization or a budget: forget here now, and tell every gateway. */
  void changed() {
    forget();
    bus.announce(Addresses.AUTH_FORGET, KeyForgotten.ALL.toJson());
  }

  /** @param named the request's customer as sent; looked up as stored (text Postgres refuses replaced, as spend rows have it) */
  @Override
  public Future<Found> find(String named, String teamId, String userId) {
    String customer = named == null ? null : SafeText.of(named);
    Future<Customer> row = customer == null ? Future.succeededFuture() : kept(customers, customer, this::customer);
    Future<Scope> organization = teamId == null ? Future.succeededFuture() : kept(organizations, teamId, this::organization);
    Future<Scope> member = teamId == null || userId == null ? Future.succeededFuture()
        : kept(members, teamId + "\n" + userId, this::member);
    return Future.all(row, organization, member).map(all -> {
      List<Scope> scopes = new ArrayList<>(2);
      Customer found = row.result();
      if (customer != null) {
        scopes.add(Scope.customer(customer, found == null ? null : found.maxBudget(),
            found == null ? null : found.budgetDuration()));
      }
      if (organization.result() != null) {
        scopes.add(organization.result());
      }
      if (member.result() != null) {
        scopes.add(member.result());
      }
      return new Found(found != null && found.blocked() ? customer : null, scopes);
    });
  }

  private void forget() {
    customers.clear();
    organizations.clear();
    members.clear();
  }

  private <T> Future<T> kept(Map<String, Kept<T>> cache, String id, java.util.function.Function<String, Future<T>> load) {
    long now = System.nanoTime();
    Kept<T> kept = cache.get(id);
    if (kept != null && now - kept.untilNanos() < 0 && !kept.value().failed()) {
      return kept.value();
    }
    Future<T> loading = load.apply(id);
    if (cache.size() >= MAX_KEPT) {
      cache.clear();
    }
    cache.put(id, new Kept<>(loading, now + KEEP_NANOS));
    return loading;
  }

  private Future<Customer> customer(String id) {
    return pool.preparedQuery("SELECT e.blocked, b.max_budget, b.budget_duration FROM end_users e "
            + "LEFT JOIN budgets b ON b.budget_id = e.budget_id WHERE e.user_id = $1")
        .execute(Tuple.of(id))
        .map(rows -> {
          if (rows.size() == 0) {
            return null;
          }
          Row row = rows.iterator().next();
          return new Customer(row.getBoolean(0), row.getDouble(1), row.getString(2));
        });
  }

  /** The user's budget as a member of the team's organization; null when it has none. */
  private Future<Scope> member(String teamAndUser) {
    int split = teamAndUser.indexOf('\n');
    String userId = teamAndUser.substring(split + 1);
    return pool.preparedQuery("SELECT m.organization_id, b.max_budget, b.budget_duration FROM teams t "
            + "JOIN organization_members m ON m.organization_id = t.organization_id AND m.user_id = $2 "
            + "JOIN budgets b ON b.budget_id = m.budget_id WHERE t.team_id = $1 AND b.max_budget IS NOT NULL")
        .execute(Tuple.of(teamAndUser.substring(0, split), userId))
        .map(rows -> {
          if (rows.size() == 0) {
            return null;
          }
          Row row = rows.iterator().next();
          return Scope.organizationMember(row.getString(0), userId, row.getDouble(1), row.getString(2));
        });
  }

  /** The organization of the team, with its budget; null when the team belongs to none. */
  private Future<Scope> organization(String teamId) {
    return pool.preparedQuery("SELECT o.organization_id, b.max_budget, b.budget_duration FROM teams t "
            + "JOIN organizations o ON o.organization_id = t.organization_id "
            + "LEFT JOIN budgets b ON b.budget_id = o.budget_id WHERE t.team_id = $1")
        .execute(Tuple.of(teamId))
        .map(rows -> {
          if (rows.size() == 0) {
            return null;
          }
          Row row = rows.iterator().next();
          return Scope.organization(row.getString(0), row.getDouble(1), row.getString(2));
        });
  }
}
