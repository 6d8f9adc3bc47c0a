package dev.switchboard.keys;

import dev.switchboard.errors.GatewayError;
import io.vertx.core.Future;
import io.vertx.pgclient.PgException;
import java.util.Collection;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The INSERT and UPDATE statements for a set of columns, and what their failures mean. Column
 * names only ever come from a {@link Fields} declaration or the code itself, never from a request,
 * so they can be spliced in.
 */
final class SqlText {

  private static final String UNIQUE_VIOLATION = "23505";
  private static final String FOREIGN_KEY_VIOLATION = "23503";
  /** Postgres's detail of a missing reference: {@code Key (team_id)=(x) is not present in table "teams".} */
  private static final Pattern MISSING_REFERENCE =
      Pattern.compile("Key \\((\\w+)\\)=\\((.*)\\) is not present");

  private SqlText() {
  }

  /** {@code INSERT ... VALUES ($1..$n) RETURNING *}, values in the order of {@code columns}. */
  static String insert(String table, Collection<String> columns) {
    StringBuilder placeholders = new StringBuilder();
    for (int i = 1; i <= columns.size(); i++) {
      placeholders.append(i == 1 ? "" : ", ").append('$').append(i);
    }
    return "INSERT INTO " + table + " (" + String.join(", ", columns) + ") VALUES (" + placeholders + ") RETURNING *";
  }

  /** {@code UPDATE ... SET c1 = $1.., updated_at = now() WHERE id = $n+1 RETURNING *}: the id comes last. */
  static String update(String table, Collection<String> columns, String idColumn) {
    StringBuilder set = new StringBuilder();
    int i = 1;
    for (String name : columns) {
      set.append(name).append(" = $").append(i++).append(", ");
    }
    return "UPDATE " + table + " SET " + set + "updated_at = now() WHERE " + idColumn + " = $" + i + " RETURNING *";
  }

  /**
   * A taken unique value (an alias, an id) is the caller's mistake: {@code taken}, not a 500; so is a
   * reference to a row that does not exist (a team's organization_id, a customer's budget_id): a 400 naming it.
   */
  static <T> Future<T> explain(Throwable failure, GatewayError taken) {
    if (failure instanceof PgException pg && UNIQUE_VIOLATION.equals(pg.getSqlState())) {
      return Future.failedFuture(taken);
    }
    return missingReference(failure);
  }

  /** A reference to a row that does not exist as a 400 naming the field; any other failure as it is. */
  static <T> Future<T> missingReference(Throwable failure) {
    if (failure instanceof PgException pg && FOREIGN_KEY_VIOLATION.equals(pg.getSqlState()) && pg.getDetail() != null) {
      Matcher missing = MISSING_REFERENCE.matcher(pg.getDetail());
      if (missing.find()) {
        String field = missing.group(1);
        return Future.failedFuture(GatewayError.badRequest(field,
            "'" + field + "' " + missing.group(2) + " does not exist."));
      }
    }
    return Future.failedFuture(failure);
  }
}
