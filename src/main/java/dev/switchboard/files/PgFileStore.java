package dev.switchboard.files;

import dev.switchboard.errors.ErrorClass;
import dev.switchboard.errors.GatewayError;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/** Ownership of files and batches in Postgres ({@code files_batches}, migration V10). */
public final class PgFileStore implements FileStore {

  private static final Logger LOG = Logger.getLogger(PgFileStore.class.getName());
  private static final String COLUMNS = "kind, id, key_hash, model, deployment_id, object";

  private final Pool pool;
  private final Clock clock;

  public PgFileStore(Pool pool, Clock clock) {
    this.pool = pool;
    this.clock = clock;
  }

  @Override
  public boolean enabled() {
    return true;
  }

  @Override
  public Future<Owned> find(String kind, String id, String owner) {
    boolean all = MASTER_OWNER.equals(owner);
    return pool.preparedQuery("SELECT " + COLUMNS + " FROM files_batches WHERE kind = $1 AND id = $2"
            + (all ? "" : " AND key_hash = $3"))
        .execute(all ? Tuple.of(kind, id) : Tuple.of(kind, id, owner))
        .map(rows -> rows.iterator().hasNext() ? read(rows.iterator().next()) : null)
        .recover(PgFileStore::unavailable);
  }

  @Override
  public Future<Void> save(Owned owned) {
    return pool.preparedQuery("INSERT INTO files_batches (" + COLUMNS + ", status, created_at, checked_at) "
            + "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) ON CONFLICT (kind, id) "
            + "DO UPDATE SET object = EXCLUDED.object, status = EXCLUDED.status, checked_at = EXCLUDED.checked_at")
        .execute(Tuple.from(new Object[] {owned.kind(), owned.id(), owned.owner(), owned.model(),
            owned.deploymentId(), owned.object(), owned.status(), clock.instant().atOffset(ZoneOffset.UTC)}))
        .<Void>mapEmpty().recover(PgFileStore::unavailable);
  }

  @Override
  public Future<Void> adopt(Owned owned) {
    return pool.preparedQuery("INSERT INTO files_batches (" + COLUMNS + ", status, created_at, checked_at) "
            + "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) ON CONFLICT (kind, id) DO NOTHING")
        .execute(Tuple.from(new Object[] {owned.kind(), owned.id(), owned.owner(), owned.model(),
            owned.deploymentId(), owned.object(), owned.status(), clock.instant().atOffset(ZoneOffset.UTC)}))
        .<Void>mapEmpty().recover(PgFileStore::unavailable);
  }

  @Override
  public Future<Void> delete(String kind, String id) {
    return pool.preparedQuery("DELETE FROM files_batches WHERE kind = $1 AND id = $2").execute(Tuple.of(kind, id))
        .<Void>mapEmpty().recover(PgFileStore::unavailable);
  }

  @Override
  public Future<List<Owned>> list(String kind, String owner, String after, int limit) {
    boolean all = MASTER_OWNER.equals(owner);
    List<Object> args = new ArrayList<>(List.of(kind));
    StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM files_batches WHERE kind = $1");
    if (!all) {
      args.add(owner);
      sql.append(" AND key_hash = $").append(args.size());
    }
    if (after != null) {
      // The cursor is an id the caller saw: rows older than it (same order as the page: created_at, then id).
      args.add(after);
      int at = args.size();
      sql.append(" AND (created_at, id) < (SELECT created_at, id FROM files_batches WHERE kind = $1 AND id = $")
          .append(at).append(")");
    }
    args.add(limit);
    sql.append(" ORDER BY created_at DESC, id DESC LIMIT $").append(args.size());
    return pool.preparedQuery(sql.toString()).execute(Tuple.from(args)).map(PgFileStore::readAll)
        .recover(PgFileStore::unavailable);
  }

  @Override
  public Future<List<Owned>> unsettledBatches(int limit) {
    return pool.preparedQuery("SELECT " + COLUMNS + " FROM files_batches WHERE kind = 'batch' AND NOT spend_recorded "
            + "ORDER BY checked_at LIMIT $1")
        .execute(Tuple.of(limit)).map(PgFileStore::readAll);
  }

  @Override
  public Future<Void> settled(String id) {
    return pool.preparedQuery("UPDATE files_batches SET spend_recorded = TRUE WHERE kind = 'batch' AND id = $1")
        .execute(Tuple.of(id)).mapEmpty();
  }

  private static List<Owned> readAll(RowSet<Row> rows) {
    List<Owned> out = new ArrayList<>(rows.size());
    rows.forEach(row -> out.add(read(row)));
    return out;
  }

  private static Owned read(Row row) {
    return new Owned(row.getString("kind"), row.getString("id"), row.getString("key_hash"), row.getString("model"),
        row.getString("deployment_id"), (JsonObject) row.getValue("object"));
  }

  /** A database failure as the client hears it, never the driver's words. */
  private static <T> Future<T> unavailable(Throwable failure) {
    if (failure instanceof GatewayError) {
      return Future.failedFuture(failure);
    }
    LOG.log(Level.WARNING, "Files and batches store unavailable: " + failure.getMessage());
    return Future.failedFuture(GatewayError.of(ErrorClass.SERVICE_UNAVAILABLE, "database_unavailable",
        "Files and batches cannot be looked up now: the gateway's database is out of reach. Retry shortly."));
  }
}
