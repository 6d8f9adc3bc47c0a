package dev.switchboard.keys;

import dev.switchboard.errors.GatewayError;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Users or teams in Postgres: one table, rows by id, as JSON with LiteLLM's field names (the
 * column names). Column names only ever come from a {@link Fields} declaration, never from input.
 */
final class Directory {

  private final Pool pool;
  private final String table;
  private final String idColumn;

  Directory(Pool pool, String table, String idColumn) {
    this.pool = pool;
    this.table = table;
    this.idColumn = idColumn;
  }

  String idColumn() {
    return idColumn;
  }

  /** A new row; a 400 when the id is taken. */
  Future<JsonObject> insert(Map<String, Object> columns) {
    return pool.preparedQuery(SqlText.insert(table, columns.keySet()))
        .execute(Tuple.wrap(new ArrayList<>(columns.values())))
        .recover(failure -> SqlText.explain(failure, GatewayError.badRequest(idColumn,
            "'" + idColumn + "' " + columns.get(idColumn) + " already exists.")))
        .map(Directory::firstOrNull);
  }

  Future<JsonObject> find(String id) {
    return pool.preparedQuery("SELECT * FROM " + table + " WHERE " + idColumn + " = $1").execute(Tuple.of(id))
        .map(Directory::firstOrNull);
  }

  /** The updated row, or null when there is none with this id. */
  Future<JsonObject> update(String id, Map<String, Object> columns) {
    if (columns.isEmpty()) {
      return find(id);
    }
    List<Object> values = new ArrayList<>(columns.values());
    values.add(id);
    return pool.preparedQuery(SqlText.update(table, columns.keySet(), idColumn))
        .execute(Tuple.wrap(values)).recover(SqlText::missingReference).map(Directory::firstOrNull);
  }

  /** The ids actually deleted. */
  Future<List<String>> delete(List<String> ids) {
    return pool.preparedQuery("DELETE FROM " + table + " WHERE " + idColumn + " = ANY($1) RETURNING " + idColumn)
        .execute(Tuple.tuple().addArrayOfString(ids.toArray(new String[0])))
        .map(rows -> {
          List<String> deleted = new ArrayList<>();
          rows.forEach(row -> deleted.add(row.getString(0)));
          return deleted;
        });
  }

  /** One page of rows, newest first, and how many there are in all. */
  record Listed(JsonArray items, long total) {
  }

  Future<Listed> list(int page, int size) {
    return pool.preparedQuery("SELECT *, count(*) OVER () AS total FROM " + table + " ORDER BY created_at DESC, "
            + idColumn + " LIMIT $1 OFFSET $2")
        .execute(Tuple.of(size, (page - 1) * size))
        .map(rows -> {
          JsonArray items = new JsonArray();
          long total = 0;
          for (Row row : rows) {
            JsonObject item = json(row);
            total = item.getLong("total");
            item.remove("total");
            items.add(item);
          }
          return new Listed(items, total);
        });
  }

  /**
   * The rows that meet {@code condition} (SQL over this table's columns with one parameter, $1),
   * oldest first. The condition is always a constant of the caller's, never input.
   */
  Future<JsonArray> where(String condition, Object parameter) {
    return rows("SELECT * FROM " + table + " WHERE " + condition + " ORDER BY created_at, " + idColumn, Tuple.of(parameter));
  }

  /** Every row, oldest first. */
  Future<JsonArray> all() {
    return rows("SELECT * FROM " + table + " ORDER BY created_at, " + idColumn, Tuple.tuple());
  }

  private Future<JsonArray> rows(String sql, Tuple parameters) {
    return query(pool, sql, parameters);
  }

  /** The rows a query finds, each as {@link #json(Row)}. */
  static Future<JsonArray> query(Pool pool, String sql, Tuple parameters) {
    return pool.preparedQuery(sql).execute(parameters)
        .map(rows -> {
          JsonArray items = new JsonArray();
          rows.forEach(row -> items.add(json(row)));
          return items;
        });
  }

  private static JsonObject firstOrNull(RowSet<Row> rows) {
    return rows.size() == 0 ? null : json(rows.iterator().next());
  }

  /** Every column, with arrays as lists and times as ISO-8601 strings. */
  static JsonObject json(Row row) {
    JsonObject out = new JsonObject();
    for (int i = 0; i < row.size(); i++) {
      Object value = row.getValue(i);
      if (value instanceof Object[] array) {
        value = new JsonArray(List.of(array));
      } else if (value instanceof OffsetDateTime time) {
        value = time.toInstant().toString();
      }
      out.put(row.getColumnName(i), value);
    }
    return out;
  }
}
