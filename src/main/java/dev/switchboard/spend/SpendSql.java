package dev.switchboard.spend;

import dev.switchboard.store.SafeText;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
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

  /** One statement per batch: the rows as column arrays, unnested. */
  private static final String INSERT = "INSERT INTO spend_logs (request_id, api_key, key_name, key_alias, user_id, "
      + "team_id, model_group, model_id, model, provider, prompt_tokens, completion_tokens, cached_tokens, total_tokens, "
      + "spend, start_time, end_time, ttft_ms, status, error_type, stream, request_tags, end_user, call_type, api_base, "
      + "metadata, cache_key, requester_ip_address, completion_start_time, request_duration_ms, cache_hit) "
      + "SELECT r.id, r.key, r.key_name, r.alias, r.usr, r.team, r.grp, r.model_id, r.model, r.provider, r.prompt, "
      + "r.completion, r.cached, r.total, r.spend, r.start_time, r.end_time, r.ttft, r.status, r.error, r.stream, "
      + "r.tags::jsonb, r.end_user, r.call_type, r.api_base, r.metadata::jsonb, r.cache_key, r.ip, r.completion_start, "
      + "r.duration, r.cache_hit FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], "
      + "$7::text[], $8::text[], $9::text[], $10::text[], $11::int8[], $12::int8[], $13::int8[], $14::int8[], "
      + "$15::float8[], $16::timestamptz[], $17::timestamptz[], $18::float8[], $19::int4[], $20::text[], $21::bool[], "
      + "$22::text[], $23::text[], $24::text[], $25::text[], $26::text[], $27::text[], $28::text[], $29::timestamptz[], "
      + "$30::int8[], $31::bool[]) AS r(id, key, key_name, alias, usr, team, grp, model_id, model, provider, prompt, "
      + "completion, cached, total, spend, start_time, end_time, ttft, status, error, stream, tags, end_user, call_type, "
      + "api_base, metadata, cache_key, ip, completion_start, duration, cache_hit) "
      + "ON CONFLICT (request_id) DO NOTHING RETURNING request_id";

  private SpendSql() {
  }

  /**
   * Every string goes through {@link SafeText}: a NUL or an unpaired surrogate sent by a client
   * (in {@code user}, {@code model}, tags...) is stored as U+FFFD instead of failing the batch.
   *
   * @return how many rows were new
   */
  static Future<Integer> write(SqlConnection tx, List<SpendRow> rows, boolean deleteReservations) {
    return tx.preparedQuery(INSERT).execute(columns(rows))
        .compose(result -> {
          Set<String> inserted = insertedIds(result);
          List<SpendRow> counted = rows.stream().filter(r -> inserted.contains(SafeText.of(r.requestId())) && r.spend() != 0).toList();
          return addSpend(tx, counted)
              .compose(v -> deleteReservations ? deleteReservations(tx, rows) : Future.succeededFuture())
              .map(v -> inserted.size());
        });
  }

  private static Set<String> insertedIds(RowSet<Row> result) {
    Set<String> ids = new HashSet<>();
    for (Row row : result) {
      ids.add(row.getString(0));
    }
    return ids;
  }

  /** The batch as 31 column arrays, in INSERT's order. */
  private static Tuple columns(List<SpendRow> rows) {
    int n = rows.size();
    String[][] text = new String[17][n];
    OffsetDateTime[] completionStart = new OffsetDateTime[n];
    Long[] duration = new Long[n];
    Long[][] counts = new Long[4][n];
    Double[] spend = new Double[n];
    Double[] ttft = new Double[n];
    OffsetDateTime[] start = new OffsetDateTime[n];
    OffsetDateTime[] end = new OffsetDateTime[n];
    Integer[] status = new Integer[n];
    Boolean[] stream = new Boolean[n];
    Boolean[] cacheHit = new Boolean[n];
    for (int i = 0; i < n; i++) {
      SpendRow r = rows.get(i);
      SpendDetail d = r.detail();
      String[] values = {r.requestId(), r.apiKey(), r.keyName(), r.keyAlias(), r.userId(), r.teamId(), r.modelGroup(),
          r.modelId(), r.model(), r.provider(), r.errorType(), r.endUser(), r.callType(),
          d == null ? null : d.apiBase(), d == null || d.metadata() == null ? null : jsonb(d.metadata()),
          d == null ? null : d.cacheKey(), d == null ? null : d.requesterIp()};
      completionStart[i] = d == null || d.completionStartMillis() == null ? null : PostgresBudgetLedger.at(d.completionStartMillis());
      duration[i] = d == null ? null : d.durationMs();
      cacheHit[i] = d != null && d.cacheHit();
      for (int c = 0; c < values.length; c++) {
        text[c][i] = SafeText.of(values[c]);
      }
      counts[0][i] = r.promptTokens();
      counts[1][i] = r.completionTokens();
      counts[2][i] = r.cachedTokens();
      counts[3][i] = r.totalTokens();
      spend[i] = r.spend();
      start[i] = PostgresBudgetLedger.at(r.startMillis());
      end[i] = PostgresBudgetLedger.at(r.endMillis());
      ttft[i] = r.ttftMs();
      status[i] = r.status();
      stream[i] = r.stream();
    }
    String[] tags = rows.stream().map(r -> new JsonArray(r.tags().stream().map(SafeText::of).toList()).encode())
        .toArray(String[]::new);
    Tuple tuple = Tuple.tuple();
    for (int c = 0; c < 10; c++) {
      tuple.addArrayOfString(text[c]);
    }
    for (Long[] column : counts) {
      tuple.addArrayOfLong(column);
    }
    return tuple.addArrayOfDouble(spend).addArrayOfOffsetDateTime(start).addArrayOfOffsetDateTime(end)
        .addArrayOfDouble(ttft).addArrayOfInteger(status).addArrayOfString(text[10]).addArrayOfBoolean(stream)
        .addArrayOfString(tags).addArrayOfString(text[11]).addArrayOfString(text[12]).addArrayOfString(text[13])
        .addArrayOfString(text[14]).addArrayOfString(text[15]).addArrayOfString(text[16])
        .addArrayOfOffsetDateTime(completionStart).addArrayOfLong(duration).addArrayOfBoolean(cacheHit);
  }

  /**
   * JSON text Postgres's jsonb accepts: it refuses the JSON escape for NUL (backslash, u0000), which a client's
   * metadata may carry; it becomes U+FFFD as NULs do elsewhere (an unpaired surrogate is mended by SafeText).
   */
  static String jsonb(io.vertx.core.json.JsonObject metadata) {
    return metadata.encode().replace("\\u0000", "\\ufffd");
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
    Map<String, Double> customers = new TreeMap<>();
    Map<String, Double> organizations = new TreeMap<>();
    for (SpendRow row : rows) {
      for (Charge charge : row.charges()) {
        String holder = SafeText.of(charge.holder());
        periods.merge(new Charge(holder, charge.periodStartMillis()), row.spend(), Double::sum);
        if (holder.startsWith("key:")) {
          keys.merge(holder.substring(4), row.spend(), Double::sum);
        } else if (holder.startsWith("user:")) {
          users.merge(holder.substring(5), row.spend(), Double::sum);
        } else if (holder.startsWith("team:")) {
          teams.merge(holder.substring(5), row.spend(), Double::sum);
        } else if (holder.startsWith("customer:")) {
          customers.merge(holder.substring(9), row.spend(), Double::sum);
        } else if (holder.startsWith("org:")) {
          organizations.merge(holder.substring(4), row.spend(), Double::sum);
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
        .compose(v -> addTotals(tx, "UPDATE teams SET spend = spend + $2 WHERE team_id = $1", teams))
        // A customer is whoever a request names in `user`: its row is made by its first spend, as LiteLLM's.
        .compose(v -> addTotals(tx, "INSERT INTO end_users (user_id, spend) VALUES ($1, $2) ON CONFLICT (user_id) "
            + "DO UPDATE SET spend = end_users.spend + EXCLUDED.spend", customers))
        .compose(v -> addTotals(tx, "UPDATE organizations SET spend = spend + $2 WHERE organization_id = $1",
            organizations));
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
    String[] ids = rows.stream().map(r -> SafeText.of(r.requestId())).toArray(String[]::new);
    return tx.preparedQuery("DELETE FROM budget_reservations WHERE request_id = ANY($1)")
        .execute(Tuple.of(ids)).mapEmpty();
  }
}
