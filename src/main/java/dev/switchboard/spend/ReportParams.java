package dev.switchboard.spend;

import dev.switchboard.errors.GatewayError;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.List;

/** The query parameters the spend reports share, read the same way everywhere. */
final class ReportParams {

  private ReportParams() {
  }

  /** {@code start_date} / {@code end_date}: a day (end day included) or an ISO-8601 instant; each optional. */
  static void range(RoutingContext ctx, Tuple args, List<String> where) {
    String start = ctx.request().getParam("start_date");
    if (start != null && !start.isBlank()) {
      args.addOffsetDateTime(instant(start, "start_date", false));
      where.add("start_time >= $" + args.size());
    }
    String end = ctx.request().getParam("end_date");
    if (end != null && !end.isBlank()) {
      args.addOffsetDateTime(instant(end, "end_date", true));
      where.add("start_time < $" + args.size());
    }
  }

  /** Both dates, as LiteLLM requires them for this report (400 naming the missing one). */
  static void requireRange(RoutingContext ctx) {
    for (String name : new String[] {"start_date", "end_date"}) {
      String value = ctx.request().getParam(name);
      if (value == null || value.isBlank()) {
        throw GatewayError.badRequest(name, "Please provide start_date and end_date (e.g. 2026-01-31).");
      }
    }
  }

  static OffsetDateTime instant(String text, String param, boolean endOfDay) {
    try {
      if (text.length() == 10) {
        LocalDate day = LocalDate.parse(text);
        return (endOfDay ? day.plusDays(1) : day).atStartOfDay().atOffset(ZoneOffset.UTC);
      }
      return Instant.parse(text).atOffset(ZoneOffset.UTC);
    } catch (DateTimeParseException e) {
      throw GatewayError.badRequest(param, param + " must be a day (2026-01-31) or an ISO-8601 time (2026-01-31T12:00:00Z).");
    }
  }

  static int positive(RoutingContext ctx, String name, int fallback) {
    String value = ctx.request().getParam(name);
    try {
      return value == null ? fallback : Math.max(1, Integer.parseInt(value));
    } catch (NumberFormatException e) {
      throw GatewayError.badRequest(name, name + " must be a whole number.");
    }
  }

  /** An equality filter on {@code column} when the parameter is there. */
  static void equal(RoutingContext ctx, String param, String column, Tuple args, List<String> where) {
    String value = ctx.request().getParam(param);
    if (value != null && !value.isBlank()) {
      args.addString(value);
      where.add(column + " = $" + args.size());
    }
  }

  static String where(List<String> where) {
    return where.isEmpty() ? "" : " WHERE " + String.join(" AND ", where);
  }
}
