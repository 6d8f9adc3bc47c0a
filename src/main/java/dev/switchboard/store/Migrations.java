package dev.switchboard.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Applies the versioned SQL files in {@code db/migrations} at start-up, each once, in order, in one
 * transaction under an advisory lock: two gateways starting together cannot both apply one.
 */
final class Migrations {

  /** In order. A file, once released, is never edited: changes come as a new version. */
  static final List<String> FILES = List.of("V1__virtual_keys.sql", "V2__users_and_teams.sql", "V3__spend.sql",
      "V4__key_admin.sql", "V5__call_type.sql", "V6__stored_responses.sql", "V7__proxy_models.sql",
      "V8__spend_log_detail.sql", "V9__budgets_customers_organizations.sql",
      "V10__files_batches.sql", "V12__key_model_soft_budgets.sql", "V13__team_user_model_soft_budgets.sql");
  private static final long LOCK_ID = 0x5357_4244L; // "SWBD"

  private Migrations() {
  }

  static Future<Integer> apply(Pool pool) {
    return pool.withTransaction(connection -> connection.query("SET LOCAL client_min_messages = warning").execute()
        .compose(quiet -> connection.query("SELECT pg_advisory_xact_lock(" + LOCK_ID + ")").execute())
        .compose(locked -> connection.query("CREATE TABLE IF NOT EXISTS switchboard_migrations ("
            + "version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())").execute())
        .compose(created -> connection.query("SELECT version FROM switchboard_migrations").execute())
        .compose(rows -> {
          Set<Integer> applied = new HashSet<>();
          for (Row row : rows) {
            applied.add(row.getInteger(0));
          }
          Future<Integer> chain = Future.succeededFuture(0);
          for (String file : FILES) {
            int version = version(file);
            if (!applied.contains(version)) {
              chain = chain.compose(count -> applyOne(connection, version, file).map(count + 1));
            }
          }
          return chain;
        }));
  }

  private static Future<Void> applyOne(SqlConnection connection, int version, String file) {
    return connection.query(read(file)).execute()
        .compose(done -> connection.preparedQuery("INSERT INTO switchboard_migrations (version, name) VALUES ($1, $2)")
            .execute(Tuple.of(version, file)))
        .mapEmpty();
  }

  static int version(String file) {
    return Integer.parseInt(file.substring(1, file.indexOf("__")));
  }

  private static String read(String file) {
    try (InputStream in = Migrations.class.getResourceAsStream("/db/migrations/" + file)) {
      if (in == null) {
        throw new IllegalStateException("migration " + file + " is missing from the build");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
