package dev.switchboard.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Instant;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

/** Budget periods start where LiteLLM resets them, in the configured zone, the same on every gateway. */
class BudgetPeriodTest {

  private static final ZoneId UTC = ZoneId.of("UTC");
  private static final ZoneId PARIS = ZoneId.of("Europe/Paris");

  private static Instant at(String iso) {
    return Instant.parse(iso);
  }

  @Test
  void a_day_starts_at_midnight_in_the_configured_zone() {
    BudgetPeriod day = BudgetPeriod.parse("1d");
    assertEquals(at("2026-11-22T00:00:00Z"), day.start(at("2026-11-22T23:59:59.999Z"), UTC));
    assertEquals(at("2026-11-23T00:00:00Z"), day.end(at("2026-11-22T00:00:00Z"), UTC));
    // 23:30 UTC is already the next day in Paris (UTC+1 in November).
    assertEquals(at("2026-11-22T23:00:00Z"), day.start(at("2026-11-22T23:30:00Z"), PARIS));
    assertEquals(day.start(at("2026-11-22T10:00:00Z"), UTC), BudgetPeriod.parse("24h").start(at("2026-11-22T10:00:00Z"), UTC));
  }

  @Test
  void the_last_instant_of_a_period_belongs_to_it_and_the_next_instant_to_the_next() {
    BudgetPeriod day = BudgetPeriod.parse("1d");
    Instant lastMoment = at("2026-11-22T23:59:59.999Z");
    Instant nextMoment = at("2026-11-23T00:00:00Z");
    assertEquals(at("2026-11-22T00:00:00Z"), day.start(lastMoment, UTC));
    assertEquals(nextMoment, day.start(nextMoment, UTC));
  }

  @Test
  void a_week_starts_on_monday_and_a_month_on_the_first() {
    // 2026-11-22 is a Sunday.
    assertEquals(at("2026-11-16T00:00:00Z"), BudgetPeriod.parse("7d").start(at("2026-11-22T12:00:00Z"), UTC));
    assertEquals(at("2026-11-23T00:00:00Z"), BudgetPeriod.parse("1w").start(at("2026-11-23T00:00:00Z"), UTC));
    assertEquals(at("2026-11-01T00:00:00Z"), BudgetPeriod.parse("30d").start(at("2026-11-22T12:00:00Z"), UTC));
    assertEquals(at("2026-11-01T00:00:00Z"), BudgetPeriod.parse("1mo").start(at("2026-11-30T23:59:59Z"), UTC));
    assertEquals(at("2026-12-01T00:00:00Z"), BudgetPeriod.parse("1mo").end(at("2026-11-01T00:00:00Z"), UTC));
    assertEquals(at("2027-01-01T00:00:00Z"), BudgetPeriod.parse("1mo").start(at("2027-01-15T00:00:00Z"), UTC));
  }

  @Test
  void a_month_in_a_zone_follows_daylight_saving() {
    // Paris is UTC+2 on 1 October and UTC+1 on 1 November.
    BudgetPeriod month = BudgetPeriod.parse("1mo");
    assertEquals(at("2026-09-30T22:00:00Z"), month.start(at("2026-10-15T00:00:00Z"), PARIS));
    assertEquals(at("2026-10-31T23:00:00Z"), month.end(at("2026-09-30T22:00:00Z"), PARIS));
  }

  @Test
  void short_periods_are_runs_counted_from_the_epoch() {
    assertEquals(at("2026-11-22T10:00:00Z"), BudgetPeriod.parse("1h").start(at("2026-11-22T10:59:59Z"), UTC));
    assertEquals(at("2026-11-22T10:30:00Z"), BudgetPeriod.parse("30m").start(at("2026-11-22T10:45:00Z"), UTC));
    assertEquals(at("2026-11-22T10:45:30Z"), BudgetPeriod.parse("30s").start(at("2026-11-22T10:45:59Z"), UTC));
  }

  @Test
  void durations_litellm_does_not_know_are_refused() {
    assertNull(BudgetPeriod.parse("monthly"));
    assertNull(BudgetPeriod.parse("0d"));
    assertNull(BudgetPeriod.parse("5y"));
  }
}
