package dev.switchboard.keys;

import dev.switchboard.model.KeyLookup;
import dev.switchboard.model.VirtualKey;
import dev.switchboard.model.Quota;
import dev.switchboard.errors.GatewayError;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** Virtual keys in Postgres, by their hash. The one place that speaks SQL about keys. */
public final class KeyStore implements KeyLookup {

  private final Pool pool;

  public KeyStore(Pool pool) {
    this.pool = pool;
  }

  /** A key as the admin API shows it: its settings and who made and changed it when. */
  record Stored(VirtualKey key, Instant updatedAt, String createdBy, String updatedBy) {
  }

  /** Inserts a key with the given columns (which include token_hash and key_name). */
  Future<Stored> insert(Map<String, Object> columns) {
    return pool.preparedQuery(SqlText.insert("virtual_keys", columns.keySet()))
        .execute(Tuple.wrap(new ArrayList<>(columns.values())))
        .recover(KeyStore::explain)
        .map(KeyStore::storedOrNull);
  }

  /** The key with this hash for the admin API, or null. */
  Future<Stored> stored(String tokenHash) {
    return pool.preparedQuery("SELECT * FROM virtual_keys WHERE token_hash = $1").execute(Tuple.of(tokenHash))
        .map(KeyStore::storedOrNull);
  }

  /** The keys with these hashes that exist, in the order asked. */
  Future<List<Stored>> storedAll(List<String> tokenHashes) {
    return pool.preparedQuery("SELECT * FROM virtual_keys WHERE token_hash = ANY($1) "
            + "ORDER BY array_position($1, token_hash)")
        .execute(Tuple.of(tokenHashes.toArray(new String[0])))
        .map(rows -> {
          List<Stored> keys = new ArrayList<>();
          rows.forEach(row -> keys.add(stored(row)));
          return keys;
        });
  }

  /** Whether a team with this id exists, so a key is never bound to one that does not. */
  Future<Boolean> teamExists(String teamId) {
    return pool.preparedQuery("SELECT 1 FROM teams WHERE team_id = $1").execute(Tuple.of(teamId))
        .map(rows -> rows.size() > 0);
  }

  /**
   * The key with this hash; or, for the old value of a key regenerated with a grace period, the key
   * it became, expiring when the grace period ends.
   */
  @Override
  public Future<VirtualKey> find(String tokenHash) {
    return current(tokenHash).compose(key -> key != null ? Future.succeededFuture(key) : graced(tokenHash));
  }

  private Future<VirtualKey> graced(String oldHash) {
    return pool.preparedQuery("SELECT token_hash, until FROM key_grace WHERE old_hash = $1 AND until > now()")
        .execute(Tuple.of(oldHash))
        .compose(rows -> {
          if (rows.size() == 0) {
            return Future.succeededFuture(null);
          }
          Row grace = rows.iterator().next();
          Instant until = grace.getOffsetDateTime("until").toInstant();
          return current(grace.getString("token_hash")).map(key -> key == null ? null : key.expiringBy(until));
        });
  }

  private Future<VirtualKey> current(String tokenHash) {
    return one("SELECT k.*, t.models AS team_models, t.blocked AS team_blocked, t.metadata AS team_metadata, "
        + "u.models AS user_models, "
        + JOINED_QUOTA.replace("$", "t") + ", " + JOINED_QUOTA.replace("$", "u") + ", " + JOINED_QUOTA.replace("$", "k")
        + ", kb.soft_budget AS kb_soft_budget, kb.model_max_budget AS kb_model_max_budget, o.models AS org_models, "
        + "COALESCE(tb.soft_budget, t.soft_budget) AS t_soft_budget, ub.soft_budget AS u_soft_budget, "
        + LINKED_MODEL_BUDGETS.replace("$", "t") + ", " + LINKED_MODEL_BUDGETS.replace("$", "u") + " "
        + "FROM virtual_keys k LEFT JOIN teams t ON t.team_id = k.team_id LEFT JOIN users u ON u.user_id = k.user_id "
        + "LEFT JOIN organizations o ON o.organization_id = t.organization_id "
        + "LEFT JOIN budgets kb ON kb.budget_id = k.budget_id LEFT JOIN budgets tb ON tb.budget_id = t.budget_id "
        + "LEFT JOIN budgets ub ON ub.budget_id = u.budget_id "
        + "WHERE k.token_hash = $1", tokenHash);
  }

  /**
   * A team's (t), user's (u) or the key's own (k) limits, as columns prefixed with its letter: those of
   * the budget it links by budget_id ($b) where that sets them, as LiteLLM's budget table overrides.
   */
  private static final String JOINED_QUOTA = "COALESCE($b.rpm_limit, $.rpm_limit) AS $_rpm_limit, "
      + "COALESCE($b.tpm_limit, $.tpm_limit) AS $_tpm_limit, "
      + "COALESCE($b.max_parallel_requests, $.max_parallel_requests) AS $_max_parallel_requests, "
      + "COALESCE($b.max_budget, $.max_budget) AS $_max_budget, "
      + "COALESCE($b.budget_duration, $.budget_duration) AS $_budget_duration";

  /** A team's or user's per-model budgets: its linked budget's where that sets any, else its own. */
  private static final String LINKED_MODEL_BUDGETS = "CASE WHEN $b.model_max_budget IS NOT NULL "
      + "AND $b.model_max_budget <> '{}'::jsonb THEN $b.model_max_budget ELSE $.model_max_budget END AS $_model_max_budget";

  /** Applies the given columns; the updated key, or null when there is none with this hash. */
  Future<Stored> update(String tokenHash, Map<String, Object> columns) {
    if (columns.isEmpty()) {
      return stored(tokenHash);
    }
    List<Object> values = new ArrayList<>(columns.values());
    values.add(tokenHash);
    return pool.preparedQuery(SqlText.update("virtual_keys", columns.keySet(), "token_hash"))
        .execute(Tuple.wrap(values)).recover(KeyStore::explain).map(KeyStore::storedOrNull);
  }

  /** Gives the key a new value (hash and display name), keeping everything else; null when there is none. */
  Future<Stored> replaceSecret(String oldHash, String newHash, String newName, String by, Instant graceUntil) {
    return pool.withTransaction(connection -> connection.preparedQuery("UPDATE virtual_keys SET token_hash = $1, "
            + "key_name = $2, updated_at = now(), updated_by = $4 WHERE token_hash = $3 RETURNING *")
        .execute(Tuple.of(newHash, newName, oldHash, by))
        .compose(rows -> rows.size() == 0 || graceUntil == null ? Future.succeededFuture(storedOrNull(rows))
            : connection.preparedQuery("INSERT INTO key_grace (old_hash, token_hash, until) VALUES ($1, $2, $3)")
                .execute(Tuple.of(oldHash, newHash, graceUntil.atOffset(java.time.ZoneOffset.UTC)))
                .map(inserted -> storedOrNull(rows))));
  }

  /** Deletes by hash or alias; what was deleted (hash and display name). */
  Future<List<Deleted>> delete(List<String> tokenHashes, List<String> aliases) {
    return pool.preparedQuery("DELETE FROM virtual_keys WHERE token_hash = ANY($1) OR key_alias = ANY($2) "
            + "RETURNING token_hash, key_alias")
        .execute(Tuple.tuple().addArrayOfString(tokenHashes.toArray(new String[0]))
            .addArrayOfString(aliases.toArray(new String[0])))
        .map(rows -> {
          List<Deleted> deleted = new ArrayList<>();
          rows.forEach(row -> deleted.add(new Deleted(row.getString(0), row.getString(1))));
          return deleted;
        });
  }

  /** One deleted key. */
  record Deleted(String tokenHash, String keyAlias) {
  }

  /** What {@code /key/list} narrows to; a null field does not narrow. */
  record ListFilter(String teamId, String userId, String keyAlias) {
  }

  /** One page of the keys that match, newest first, with the total count of matches. */
  Future<Page> list(ListFilter filter, int page, int size) {
    return pool.preparedQuery("SELECT *, count(*) OVER () AS total FROM virtual_keys "
            + "WHERE ($3::text IS NULL OR team_id = $3) AND ($4::text IS NULL OR user_id = $4) "
            + "AND ($5::text IS NULL OR key_alias = $5) ORDER BY created_at DESC, key_name LIMIT $1 OFFSET $2")
        .execute(Tuple.of(size, (page - 1) * size, filter.teamId(), filter.userId(), filter.keyAlias()))
        .map(rows -> {
          List<Stored> keys = new ArrayList<>();
          long total = 0;
          for (Row row : rows) {
            keys.add(stored(row));
            total = row.getLong("total");
          }
          return new Page(keys, total);
        });
  }

  /** A page of {@link #list}. */
  record Page(List<Stored> keys, long total) {
  }

  private Future<VirtualKey> one(String sql, String value) {
    return pool.preparedQuery(sql).execute(Tuple.of(value)).map(KeyStore::firstOrNull);
  }

  private static VirtualKey firstOrNull(RowSet<Row> rows) {
    return rows.size() == 0 ? null : read(rows.iterator().next());
  }

  private static Stored storedOrNull(RowSet<Row> rows) {
    return rows.size() == 0 ? null : stored(rows.iterator().next());
  }

  private static Stored stored(Row row) {
    OffsetDateTime updated = row.getOffsetDateTime("updated_at");
    return new Stored(read(row), updated == null ? null : updated.toInstant(), row.getString("created_by"),
        row.getString("updated_by"));
  }

  private static <T> Future<T> explain(Throwable failure) {
    return SqlText.explain(failure,
        GatewayError.badRequest("key_alias", "A key with this key_alias already exists; choose another alias."));
  }

  private static VirtualKey read(Row row) {
    OffsetDateTime expires = row.getOffsetDateTime("expires");
    OffsetDateTime created = row.getOffsetDateTime("created_at");
    return new VirtualKey(
        row.getString("token_hash"),
        row.getString("key_name"),
        row.getString("key_alias"),
        List.of(row.getArrayOfStrings("models")),
        row.getString("user_id"),
        row.getString("team_id"),
        expires == null ? null : expires.toInstant(),
        row.getBoolean("blocked"),
        row.getDouble(linked(row, "max_budget")),
        row.getString(linked(row, "budget_duration")),
        row.getInteger(linked(row, "rpm_limit")),
        row.getInteger(linked(row, "tpm_limit")),
        row.getInteger(linked(row, "max_parallel_requests")),
        json(row, "model_rpm_limit"),
        json(row, "model_tpm_limit"),
        json(row, "metadata"),
        Arrays.asList(row.getArrayOfStrings("tags")),
        row.getDouble("spend"),
        created == null ? null : created.toInstant(),
        optionalStrings(row, "team_models"),
        optionalStrings(row, "user_models"),
        row.getColumnIndex("team_blocked") >= 0 && Boolean.TRUE.equals(row.getBoolean("team_blocked")),
        joinedQuota(row, "t", row.getString("team_id"), "team_models"),
        joinedQuota(row, "u", row.getString("user_id"), "user_models"),
        row.getColumnIndex("team_metadata") >= 0 && row.getValue("team_metadata") instanceof JsonObject team ? team : null,
        row.getValue(linked(row, "model_max_budget")) instanceof JsonObject perModel && !perModel.isEmpty() ? perModel
            : json(row, "model_max_budget"),
        row.getDouble(linked(row, "soft_budget")),
        row.getString("budget_id"),
        optionalStrings(row, "org_models"));
  }

  /**
   * The column a key's limit is read from: for authentication, the one that folds in its linked
   * budget (k_*, kb_*) where the linked budget sets it; for the admin API, the key's own.
   */
  private static String linked(Row row, String column) {
    String folded = row.getColumnIndex("k_" + column) >= 0 ? "k_" + column : "kb_" + column;
    if (row.getColumnIndex(folded) < 0) {
      return column;
    }
    return folded.startsWith("k_") || row.getValue(folded) != null ? folded : column;
  }

  /** A joined team's or user's quota; null when not joined or when the row does not exist. */
  private static Quota joinedQuota(Row row, String prefix, String id, String presenceColumn) {
    if (id == null || row.getColumnIndex(prefix + "_rpm_limit") < 0 || row.getValue(presenceColumn) == null) {
      return null;
    }
    return new Quota(id, row.getInteger(prefix + "_rpm_limit"), row.getInteger(prefix + "_tpm_limit"),
        row.getInteger(prefix + "_max_parallel_requests"), row.getDouble(prefix + "_max_budget"),
        row.getString(prefix + "_budget_duration"), row.getDouble(prefix + "_soft_budget"),
        row.getValue(prefix + "_model_max_budget") instanceof JsonObject perModel ? perModel : null);
  }

  /** A joined column: null when the query did not join it or there was no row to join. */
  private static List<String> optionalStrings(Row row, String column) {
    if (row.getColumnIndex(column) < 0) {
      return null;
    }
    String[] values = row.getArrayOfStrings(column);
    return values == null ? null : List.of(values);
  }

  private static JsonObject json(Row row, String column) {
    Object value = row.getValue(column);
    return value instanceof JsonObject object ? object : new JsonObject();
  }
}
