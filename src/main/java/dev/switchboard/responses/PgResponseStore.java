package dev.switchboard.responses;

import dev.switchboard.errors.ErrorClass;
import dev.switchboard.errors.GatewayError;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowIterator;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Stored responses in Postgres ({@code stored_responses}, migration V6), and where an OpenAI or
 * Azure deployment keeps one, a row saying whose it is and which deployment. Each row expires
 * {@code ttlSeconds} after it was written: from then on it is not found, and a periodic purge
 * deletes it.
 */
public final class PgResponseStore implements ResponseStore {

  private static final Logger LOG = Logger.getLogger(PgResponseStore.class.getName());
  /** The purge runs at least this often (and more often for a shorter TTL, down to once a minute). */
  static final long MAX_PURGE_INTERVAL_SECONDS = 3600;

  private final Vertx vertx;
  private final Pool pool;
  private final long ttlSeconds;
  private final Clock clock;
  private final long purgeTimer;

  public PgResponseStore(Vertx vertx, Pool pool, long ttlSeconds, Clock clock) {
    this.vertx = vertx;
    this.pool = pool;
    this.ttlSeconds = ttlSeconds;
    this.clock = clock;
    long every = Math.max(60, Math.min(ttlSeconds, MAX_PURGE_INTERVAL_SECONDS));
    this.purgeTimer = vertx.setPeriodic(every * 1000, id -> purge());
  }

  @Override
  public boolean enabled() {
    return true;
  }

  @Override
  public long ttlSeconds() {
    return ttlSeconds;
  }

  @Override
  public Instant now() {
    return clock.instant();
  }

  @Override
  public Future<StoredResponse> find(String id, String owner) {
    return pool.preparedQuery("SELECT id, key_hash, model, input_items, output_items, response, created_at, expires_at, "
            + "deployment_id "
            + "FROM stored_responses WHERE id = $1 AND key_hash = $2 AND expires_at > $3")
        .execute(Tuple.of(id, owner, at(now())))
        .map(rows -> {
          RowIterator<Row> it = rows.iterator();
          return it.hasNext() ? read(it.next()) : null;
        })
        .recover(PgResponseStore::unavailable);
  }

  @Override
  public Future<Void> save(StoredResponse response) {
    return pool.preparedQuery("INSERT INTO stored_responses (id, key_hash, model, input_items, output_items, response, "
            + "created_at, expires_at, deployment_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) "
            + "ON CONFLICT (id) DO NOTHING")
        .execute(Tuple.from(new Object[] {response.id(), response.owner(), response.model(), response.input(),
            response.output(), response.response(), at(response.createdAt()), at(response.expiresAt()),
            response.deploymentId()}))
        .mapEmpty();
  }

  @Override
  public Future<Boolean> delete(String id, String owner) {
    return pool.preparedQuery("DELETE FROM stored_responses WHERE id = $1 AND key_hash = $2 AND expires_at > $3")
        .execute(Tuple.of(id, owner, at(now())))
        .map(rows -> rows.rowCount() > 0)
        .recover(PgResponseStore::unavailable);
  }

  /** A database failure as the client hears it: the store is out of reach for now, never the driver's words. */
  private static <T> Future<T> unavailable(Throwable failure) {
    LOG.log(Level.WARNING, "Stored responses unavailable: " + failure.getMessage());
    return Future.failedFuture(GatewayError.of(ErrorClass.SERVICE_UNAVAILABLE, "database_unavailable",
        "Stored responses cannot be read now: the gateway's database is out of reach. Retry shortly."));
  }

  /** Deletes the expired rows; what it deleted. */
  public Future<Integer> purge() {
    return pool.preparedQuery("DELETE FROM stored_responses WHERE expires_at <= $1").execute(Tuple.of(at(now())))
        .map(rows -> rows.rowCount())
        .onFailure(failure -> LOG.log(Level.WARNING, "Purging expired stored responses failed: " + failure.getMessage()));
  }

  @Override
  public void close() {
    vertx.cancelTimer(purgeTimer);
  }

  private static StoredResponse read(Row row) {
    return new StoredResponse(row.getString("id"), row.getString("key_hash"), row.getString("model"),
        (JsonArray) row.getValue("input_items"), (JsonArray) row.getValue("output_items"),
        (JsonObject) row.getValue("response"), row.getOffsetDateTime("created_at").toInstant(),
        row.getOffsetDateTime("expires_at").toInstant(), row.getString("deployment_id"));
  }

  private static OffsetDateTime at(Instant instant) {
    return instant.atOffset(ZoneOffset.UTC);
  }
}
