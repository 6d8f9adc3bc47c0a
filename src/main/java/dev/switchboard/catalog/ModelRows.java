package dev.switchboard.catalog;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;

/** The {@code proxy_models} table: stored deployments, their secrets sealed on the way in and opened on the way out. */
final class ModelRows {

  private static final Logger LOG = Logger.getLogger(ModelRows.class.getName());
  private static final String COLUMNS = "model_id, model_name, litellm_params, model_info, created_at, created_by, "
      + "updated_at, updated_by";

  private final Pool pool;
  private final Sealer sealer;

  ModelRows(Pool pool, Sealer sealer) {
    this.pool = pool;
    this.sealer = sealer;
  }

  /** Every stored deployment, oldest first; a row whose secret cannot be opened is left out and logged (by id). */
  Future<List<StoredModel>> all() {
    return pool.query("SELECT " + COLUMNS + " FROM proxy_models ORDER BY created_at, model_id").execute().map(rows -> {
      List<StoredModel> out = new ArrayList<>();
      for (Row row : rows) {
        try {
          out.add(read(row));
        } catch (IllegalStateException e) {
          LOG.severe("Stored model " + row.getString("model_id") + " is not served: " + e.getMessage());
        }
      }
      return out;
    });
  }

  /** Writes a new row; false when its id is taken. */
  Future<Boolean> insert(StoredModel model) {
    return pool.preparedQuery("INSERT INTO proxy_models (" + COLUMNS + ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8) "
        + "ON CONFLICT (model_id) DO NOTHING").execute(values(model)).map(rows -> rows.rowCount() == 1);
  }

  /** Replaces the row of {@code model.id()}; false when there is none. */
  Future<Boolean> update(StoredModel model) {
    return pool.preparedQuery("UPDATE proxy_models SET model_name = $2, litellm_params = $3, model_info = $4, "
        + "updated_at = $5, updated_by = $6 WHERE model_id = $1")
        .execute(Tuple.of(model.id(), model.modelName(), StoredModel.mapSecrets(model.litellmParams(), sealer::seal),
            model.modelInfo(), model.updatedAt().atOffset(ZoneOffset.UTC), model.updatedBy()))
        .map(rows -> rows.rowCount() == 1);
  }

  /** Deletes the row of {@code id}; false when there was none. */
  Future<Boolean> delete(String id) {
    return pool.preparedQuery("DELETE FROM proxy_models WHERE model_id = $1").execute(Tuple.of(id))
        .map(rows -> rows.rowCount() == 1);
  }

  private Tuple values(StoredModel model) {
    return Tuple.wrap(new ArrayList<>(List.of(model.id(), model.modelName(),
        StoredModel.mapSecrets(model.litellmParams(), sealer::seal), model.modelInfo(),
        model.createdAt().atOffset(ZoneOffset.UTC), model.createdBy(), model.updatedAt().atOffset(ZoneOffset.UTC),
        model.updatedBy())));
  }

  private StoredModel read(Row row) {
    JsonObject params = StoredModel.mapSecrets(json(row.getValue("litellm_params")), sealer::open);
    return new StoredModel(row.getString("model_id"), row.getString("model_name"), params,
        json(row.getValue("model_info")), instant(row, "created_at"), row.getString("created_by"),
        instant(row, "updated_at"), row.getString("updated_by"));
  }

  private static JsonObject json(Object value) {
    return value instanceof JsonObject object ? object : value == null ? new JsonObject() : new JsonObject(value.toString());
  }

  private static Instant instant(Row row, String column) {
    return row.getOffsetDateTime(column).toInstant();
  }
}
