package dev.switchboard.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The breaker's rule on its own, with the time given by the test: failure rate over a minimum volume, probes. */
class BreakerTest {

  /** 50% of at least 20 attempts in 10 s; open 30 s; panic probes every second. */
  private static final Breaker.Rule RULE = new Breaker.Rule(0.5, 20, 10_000, 30_000, 1_000);

  private final List<String> changes = new ArrayList<>();
  private final Breaker breaker = new Breaker(RULE, (state, why) -> changes.add(state + ": " + why));

  private void calls(long nowMs, int count, boolean failed) {
    for (int i = 0; i < count; i++) {
      breaker.record(breaker.acquire(nowMs), nowMs, failed);
    }
  }

  @Test
  void it_opens_only_at_the_failure_rate_over_the_minimum_volume() {
    calls(0, 19, true);
    assertEquals(Breaker.State.CLOSED, breaker.state(0), "19 failures are under the minimum volume of 20");
    calls(0, 1, true);
    assertEquals(Breaker.State.OPEN, breaker.state(0));
    assertEquals(List.of("OPEN: 20 of its last 20 attempts failed within 10.0 s"), changes);
  }

  @Test
  void a_failure_rate_under_the_threshold_or_failures_out_of_the_window_keep_it_closed() {
    calls(0, 11, false);
    calls(0, 9, true);
    calls(0, 1, true);
    assertEquals(Breaker.State.CLOSED, breaker.state(0), "10 of 21 is under 50%");
    calls(20_000, 15, true);
    assertEquals(Breaker.State.CLOSED, breaker.state(20_000), "the earlier attempts left the window: 15 < 20");
  }

  @Test
  void after_the_reset_timeout_one_probe_goes_and_its_verdict_closes_or_reopens_it() {
    calls(0, 20, true);
    assertEquals(Breaker.Permit.REFUSED, breaker.acquire(29_999));
    assertFalse(breaker.admits(29_999));
    assertTrue(breaker.admits(30_000));
    Breaker.Permit probe = breaker.acquire(30_000);
    assertEquals(Breaker.Permit.PROBE, probe);
    assertEquals(Breaker.Permit.REFUSED, breaker.acquire(30_000), "one probe at a time");
    breaker.record(probe, 30_100, true);
    assertEquals(Breaker.State.OPEN, breaker.state(30_100), "a failed probe opens it again for the reset timeout");
    assertEquals(Breaker.Permit.REFUSED, breaker.acquire(59_000));
    Breaker.Permit next = breaker.acquire(60_100);
    breaker.record(next, 60_200, false);
    assertEquals(Breaker.State.CLOSED, breaker.state(60_200));
    assertEquals("OPEN: its probe failed", changes.get(2));
  }

  @Test
  void a_cancelled_probe_gives_the_probe_to_the_next_call_without_a_verdict() {
    calls(0, 20, true);
    Breaker.Permit probe = breaker.acquire(30_000);
    breaker.cancelled(probe);
    assertEquals(Breaker.State.HALF_OPEN, breaker.state(30_000));
    assertEquals(Breaker.Permit.PROBE, breaker.acquire(30_001));
  }

  @Test
  void a_probe_without_a_verdict_for_a_whole_reset_timeout_lets_the_next_call_probe() {
    calls(0, 20, true);
    assertEquals(Breaker.Permit.PROBE, breaker.acquire(30_000), "half-open after the reset timeout");
    assertEquals(Breaker.Permit.REFUSED, breaker.acquire(40_000), "one probe at a time");
    assertEquals(Breaker.Permit.PROBE, breaker.acquire(60_000), "the silent probe no longer holds the deployment out");
  }

  @Test
  void in_panic_mode_it_is_probed_every_probe_interval_instead_of_every_reset_timeout() {
    calls(0, 20, true);
    assertFalse(breaker.hasten(999), "not before the probe interval");
    assertEquals(1_000, breaker.nextProbeAtMs(999, true));
    assertEquals(30_000, breaker.nextProbeAtMs(999, false));
    assertTrue(breaker.hasten(1_000));
    Breaker.Permit probe = breaker.acquire(1_000);
    assertEquals(Breaker.Permit.PROBE, probe);
    breaker.record(probe, 1_050, true);
    assertFalse(breaker.hasten(1_500));
    assertTrue(breaker.hasten(2_050));
  }

  @Test
  void an_attempt_that_started_before_it_opened_does_not_count_after() {
    Breaker.Permit early = breaker.acquire(0);
    calls(0, 20, true);
    breaker.record(early, 1, false);
    assertEquals(Breaker.State.OPEN, breaker.state(1), "only the probe decides once it is open");
  }
}
