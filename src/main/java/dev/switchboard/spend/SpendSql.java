package dev.switchboard.spend;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Writes a batch of spend rows in one transaction: the rows (a request id already there is skipped,
 * which makes a replay harmless), then, for the rows actually inserted only, their cost added to
 * each holder's period spend and to the keys', users' and teams' totals; and the batch's budget
 * reservations deleted. Updates go in a fixed order, so gateways writing at once cannot deadlock.
 */
final class SpendSql {

  private static final String INSERT = "INSERT INTO spend_logs (request_id, api_key, key_name, key_alias, user_id, "
      + "team_id, model_group, model_id, model, provider, prompt_tokens, completion_tokens, cached_tokens, total_tokens, "
      + "spend, start_time, end_time, ttft_ms, status, error_type, stream, request_tags, end_user) VALUES "
      + "($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23) "
      + "ON CONFLICT (request_id) DO NOTHING RETURNING request_id";

  private SpendSql() {
  }

  /** @return how many rows were new */
  static Future<Integer> write(SqlConnection tx, List<SpendRow> rows, boolean deleteReservations) {
    List<Tuple> inserts = new ArrayList<>(rows.size());
    for (SpendRow row : rows) {
      inserts.add(Tuple.tuple().addString(row.requestId()).addString(row.apiKey()).addString(row.keyName())
          .addString(row.keyAlias()).addString(row.userId()).addString(row.teamId()).addString(row.modelGroup())
          .addString(row.modelId()).addString(row.model()).addString(row.provider()).addLong(row.promptTokens())
          .addLong(row.completionTokens()).addLong(row.cachedTokens()).addLong(row.totalTokens())
          .addDouble(row.spend()).addOffsetDateTime(PostgresBudgetLedger.at(row.startMillis()))
          .addOffsetDateTime(PostgresBudgetLedger.at(row.endMillis())).addDouble(row.ttftMs())
          .addInteger(row.status()).addString(row.errorType()).addBoolean(row.stream())
          .addValue(new JsonArray(new ArrayList<>(row.tags()))).addString(row.endUser()));
    }
    return tx.preparedQuery(INSERT).executeBatch(inserts)
        .compose(result -> {
          Set<String> inserted = insertedIds(result);
          List<SpendRow> counted = rows.stream().filter(r -> inserted.contains(r.requestId()) && r.spend() != 0).toList();
          return addSpend(tx, counted)
              .compose(v -> deleteReservations ? deleteReservations(tx, rows) : Future.succeededFuture())
              .map(v -> inserted.size());
        });
  }

  private static Set<String> insertedIds(RowSet<Row> result) {
    Set<String> ids = new HashSet<>();
    for (RowSet<Row> part = result; part != null; part = part.next()) {
      for (Row row : part) {
        ids.add(row.getString(0));
      }
    }
    return ids;
  }

  private static Future<Void> addSpend(SqlConnection tx, List<SpendRow> rows) {
    if (rows.isEmpty()) {
      return Future.succeededFuture();
    }
    Map<Charge, Double> periods = new TreeMap<>((a, b) -> a.holder().equals(b.holder())
        ? Long.compare(a.periodStartMillis(), b.periodStartMillis()) : a.holder().compareTo(b.holder()));
    Map<String, Double> keys = new TreeMap<>();
    Map<String, Double> users = new TreeMap<>();
    Map<String, Double> teams = new TreeMap<>();
    for (SpendRow row : rows) {
      for (Charge charge : row.charges()) {
        periods.merge(charge, row.spend(), Double::sum);
        String holder = charge.holder();
        if (holder.startsWith("key:")) {
          keys.merge(holder.substring(4), row.spend(), Double::sum);
        } else if (holder.startsWith("user:")) {
          users.merge(holder.substring(5), row.spend(), Double::sum);
        } else if (holder.startsWith("team:")) {
          teams.merge(holder.substring(5), row.spend(), Double::sum);
        }
      }
    }
    List<Tuple> periodRows = new ArrayList<>();
    periods.forEach((charge, spend) -> periodRows.add(
        Tuple.of(charge.holder(), PostgresBudgetLedger.at(charge.periodStartMillis()), spend)));
    return tx.preparedQuery("INSERT INTO budget_spend (holder, period_start, spend) VALUES ($1, $2, $3) "
            + "ON CONFLICT (holder, period_start) DO UPDATE SET spend = budget_spend.spend + EXCLUDED.spend")
        .executeBatch(periodRows)
        .compose(v -> addTotals(tx, "UPDATE virtual_keys SET spend = spend + $2 WHERE token_hash = $1", keys))
        .compose(v -> addTotals(tx, "UPDATE users SET spend = spend + $2 WHERE user_id = $1", users))
        .compose(v -> addTotals(tx, "UPDATE teams SET spend = spend + $2 WHERE team_id = $1", teams));
  }

  private static Future<Void> addTotals(SqlConnection tx, String sql, Map<String, Double> totals) {
    if (totals.isEmpty()) {
      return Future.succeededFuture();
    }
    List<Tuple> updates = new ArrayList<>(totals.size());
    totals.forEach((id, spend) -> updates.add(Tuple.of(id, spend)));
    return tx.preparedQuery(sql).executeBatch(updates).mapEmpty();
  }

  private static Future<Void> deleteReservations(SqlConnection tx, List<SpendRow> rows) {
    String[] ids = rows.stream().map(SpendRow::requestId).toArray(String[]::new);
    return tx.preparedQuery("DELETE FROM budget_reservations WHERE request_id = ANY($1)")
        .execute(Tuple.of(ids)).mapEmpty();
  }
}
