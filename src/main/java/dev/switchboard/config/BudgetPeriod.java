package dev.switchboard.config;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAdjusters;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@code budget_duration} as calendar periods, the way LiteLLM resets budgets: {@code 1d} (or
 * {@code 24h}) at midnight, {@code 7d} (or {@code 1w}) on Monday at midnight, {@code 30d} (or
 * {@code 1mo}) on the first of the month at midnight, all in the configured time zone. Other day,
 * week and month counts are runs of that many days, weeks or months counted from 1970-01-01
 * (a Thursday; weeks from Monday 1970-01-05); seconds, minutes and hours are runs of that length
 * counted from the epoch. Every gateway computes the same period for the same instant, so a period
 * begins exactly once whatever the number of gateways.
 */
public final class BudgetPeriod {

  private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(s|m|h|d|w|mo)");
  private static final LocalDate FIRST_MONDAY = LocalDate.of(1970, 1, 5);

  private enum Kind { SECONDS, DAYS, MONTHS }

  private final String text;
  private final Kind kind;
  private final long amount;

  private BudgetPeriod(String text, Kind kind, long amount) {
    this.text = text;
    this.kind = kind;
    this.amount = amount;
  }

  /** Durations already read: every request reads its key's, user's and team's, and they are few. */
  private static final Map<String, Optional<BudgetPeriod>> KNOWN = new ConcurrentHashMap<>();
  private static final int MAX_KNOWN = 1_000;

  /** @return the period, or null when {@code text} is not a duration LiteLLM accepts */
  public static BudgetPeriod parse(String text) {
    if (text == null) {
      return null;
    }
    Optional<BudgetPeriod> known = KNOWN.get(text);
    if (known != null) {
      return known.orElse(null);
    }
    BudgetPeriod period = read(text);
    if (KNOWN.size() < MAX_KNOWN) {
      KNOWN.put(text, Optional.ofNullable(period));
    }
    return period;
  }

  private static BudgetPeriod read(String text) {
    Matcher matcher = DURATION.matcher(text.trim());
    if (!matcher.matches()) {
      return null;
    }
    long n = Long.parseLong(matcher.group(1));
    if (n <= 0) {
      return null;
    }
    String unit = matcher.group(2);
    if (unit.equals("h") && n % 24 == 0) {
      return new BudgetPeriod(text, Kind.DAYS, n / 24);
    }
    return switch (unit) {
      case "s" -> new BudgetPeriod(text, Kind.SECONDS, n);
      case "m" -> new BudgetPeriod(text, Kind.SECONDS, n * 60);
      case "h" -> new BudgetPeriod(text, Kind.SECONDS, n * 3600);
      case "w" -> new BudgetPeriod(text, Kind.DAYS, n * 7);
      case "d" -> n == 30 ? new BudgetPeriod(text, Kind.MONTHS, 1) : new BudgetPeriod(text, Kind.DAYS, n);
      default -> new BudgetPeriod(text, Kind.MONTHS, n);
    };
  }

  /** When the period holding {@code instant} began. */
  public Instant start(Instant instant, ZoneId zone) {
    return switch (kind) {
      case SECONDS -> Instant.ofEpochSecond(Math.floorDiv(instant.getEpochSecond(), amount) * amount);
      case DAYS -> startOfDays(instant.atZone(zone).toLocalDate()).atStartOfDay(zone).toInstant();
      case MONTHS -> {
        LocalDate date = instant.atZone(zone).toLocalDate();
        long months = date.getYear() * 12L + date.getMonthValue() - 1;
        long first = Math.floorDiv(months, amount) * amount;
        yield LocalDate.of((int) Math.floorDiv(first, 12), (int) Math.floorMod(first, 12) + 1, 1).atStartOfDay(zone).toInstant();
      }
    };
  }

  private LocalDate startOfDays(LocalDate date) {
    if (amount == 1) {
      return date;
    }
    if (amount % 7 == 0) {
      LocalDate monday = date.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
      long weeks = ChronoUnit.WEEKS.between(FIRST_MONDAY, monday);
      return FIRST_MONDAY.plusWeeks(Math.floorDiv(weeks, amount / 7) * (amount / 7));
    }
    return LocalDate.ofEpochDay(Math.floorDiv(date.toEpochDay(), amount) * amount);
  }

  /** When the period that began at {@code start} ends (the next one begins). */
  public Instant end(Instant start, ZoneId zone) {
    return switch (kind) {
      case SECONDS -> start.plusSeconds(amount);
      case DAYS -> start.atZone(zone).toLocalDate().plusDays(amount).atStartOfDay(zone).toInstant();
      case MONTHS -> start.atZone(zone).toLocalDate().plusMonths(amount).atStartOfDay(zone).toInstant();
    };
  }

  @Override
  public String toString() {
    return text;
  }
}
