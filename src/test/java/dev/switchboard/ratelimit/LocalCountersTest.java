package dev.switchboard.ratelimit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The in-memory counters with a clock the test sets. */
class LocalCountersTest {

  private static final long MINUTE_START = 1_700_000_040_000L;

  private static Scope key(long rpm, long tpm, long parallel) {
    return new Scope("k:test", "k:test", null, "this key", Scope.Field.PLAIN, rpm, tpm, parallel);
  }

  @Test
  void requests_per_minute_refuse_with_the_exact_time_to_the_next_window() {
    LocalCounters counters = new LocalCounters();
    List<Scope> scopes = List.of(key(2, 0, 0));
    long now = MINUTE_START + 12_345;
    assertTrue(counters.acquire(scopes, now, 1).granted());
    Decision second = counters.acquire(scopes, now, 1);
    assertEquals(2, second.requestLimit());
    assertEquals(0, second.requestsRemaining());
    Decision third = counters.acquire(scopes, now + 1, 1);
    assertEquals(Scope.Limit.RPM, third.deniedLimit());
    assertEquals(60_000 - 12_346, third.retryAfterMs());
    assertEquals(48, Denials.seconds(third.retryAfterMs()));
    assertTrue(counters.acquire(scopes, MINUTE_START + 60_000, 1).granted(), "a new minute, a new window");
  }

  @Test
  void tokens_are_counted_by_estimate_then_corrected_by_actual_usage() {
    LocalCounters counters = new LocalCounters();
    List<Scope> scopes = List.of(key(0, 100, 0));
    long now = MINUTE_START;
    long window = Windows.of(now);
    assertEquals(90, counters.acquire(scopes, now, 10).tokensRemaining());
    counters.release(scopes, window, now, 10, 95);
    Decision next = counters.acquire(scopes, now, 10);
    assertEquals(Scope.Limit.TPM, next.deniedLimit(), "95 used + 10 estimated > 100");
    counters.release(scopes, window - 1, now, 10, 5);
    Decision after = counters.acquire(scopes, now, 1);
    assertEquals(Scope.Limit.TPM, after.deniedLimit(), "an estimate counted in a past window: the actual 5 count in this one (95 + 5)");
  }

  @Test
  void a_later_scope_refusing_gives_back_what_the_earlier_ones_took() {
    LocalCounters counters = new LocalCounters();
    Scope keyScope = key(10, 0, 1);
    Scope team = new Scope("t:x", "t:x", null, "team 'x'", Scope.Field.PLAIN, 1, 0, 0);
    long now = MINUTE_START;
    assertTrue(counters.acquire(List.of(keyScope, team), now, 0).granted());
    counters.release(List.of(keyScope, team), Windows.of(now), now, 0, 0);
    Decision refused = counters.acquire(List.of(keyScope, team), now, 0);
    assertEquals(team, refused.denied());
    assertTrue(counters.acquire(List.of(keyScope), now, 0).granted(), "the key's parallel slot was given back");
  }

  @Test
  void parallel_slots_come_back_on_release() {
    LocalCounters counters = new LocalCounters();
    List<Scope> scopes = List.of(key(0, 0, 1));
    assertTrue(counters.acquire(scopes, MINUTE_START, 0).granted());
    Decision busy = counters.acquire(scopes, MINUTE_START, 0);
    assertEquals(Scope.Limit.PARALLEL, busy.deniedLimit());
    assertEquals(Windows.PARALLEL_RETRY_MS, busy.retryAfterMs());
    counters.release(scopes, Windows.of(MINUTE_START), MINUTE_START, 0, 0);
    assertNull(counters.acquire(scopes, MINUTE_START, 0).denied());
  }
}
