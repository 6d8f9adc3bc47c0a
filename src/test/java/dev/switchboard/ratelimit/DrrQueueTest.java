package dev.switchboard.ratelimit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DrrQueueTest {

  @Test
  void a_flooding_tenant_delays_another_by_one_request_per_turn_not_by_its_flood() {
    DrrQueue<String> queue = new DrrQueue<>();
    for (int i = 0; i < 500; i++) {
      queue.add("A", 1, 0, "A" + i);
    }
    // A's first few are served, then B arrives in the middle of the flood.
    List<String> served = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      served.add(queue.next());
    }
    for (int i = 0; i < 5; i++) {
      queue.add("B", 1, 0, "B" + i);
    }
    int aBeforeLastB = 0;
    int bServed = 0;
    while (bServed < 5) {
      String next = queue.next();
      if (next.startsWith("B")) {
        bServed++;
      } else {
        aBeforeLastB++;
      }
    }
    assertTrue(aBeforeLastB <= 5, "A's requests served while B's five waited: " + aBeforeLastB);
    assertEquals(500 - 10 - aBeforeLastB, queue.size(), "the rest of A's flood still waits");
    assertEquals("A9", served.get(9), "one tenant alone is served in order");
  }

  @Test
  void weights_share_turns_in_proportion() {
    DrrQueue<String> queue = new DrrQueue<>();
    for (int i = 0; i < 300; i++) {
      queue.add("heavy", 3, 0, "h");
      queue.add("light", 1, 0, "l");
    }
    int heavy = 0;
    for (int i = 0; i < 200; i++) {
      if (queue.next().equals("h")) {
        heavy++;
      }
    }
    assertEquals(150, heavy, "weight 3 against 1 gets three quarters of the turns");
  }

  @Test
  void a_fractional_weight_still_gets_turns() {
    DrrQueue<String> queue = new DrrQueue<>();
    for (int i = 0; i < 100; i++) {
      queue.add("slow", 0.5, 0, "s");
      queue.add("normal", 1, 0, "n");
    }
    int slow = 0;
    for (int i = 0; i < 30; i++) {
      if (queue.next().equals("s")) {
        slow++;
      }
    }
    assertEquals(10, slow);
  }

  @Test
  void a_higher_priority_is_served_first() {
    DrrQueue<String> queue = new DrrQueue<>();
    queue.add("batch", 1, 0, "low1");
    queue.add("batch", 1, 0, "low2");
    queue.add("interactive", 1, 5, "high");
    assertEquals("high", queue.next());
    assertEquals("low1", queue.next());
    assertEquals("low2", queue.next());
    assertNull(queue.next());
  }

  @Test
  void a_tenant_put_back_after_every_try_keeps_its_turn() {
    // The gateway takes the next request, finds no free slot, and puts it back; then one slot frees.
    DrrQueue<String> queue = new DrrQueue<>();
    for (int i = 0; i < 50; i++) {
      queue.add("A", 1, 0, "a");
    }
    for (int i = 0; i < 3; i++) {
      queue.add("B", 1, 0, "b");
    }
    int aServed = 0;
    int bServed = 0;
    while (bServed < 3) {
      if (queue.next().equals("a")) {
        aServed++;
      } else {
        bServed++;
      }
      String unlucky = queue.next();
      queue.putBack(unlucky.equals("a") ? "A" : "B", 0, unlucky);
    }
    assertTrue(aServed <= 3, "A served " + aServed + " times while B's three waited");
  }

  @Test
  void removed_and_put_back_requests_keep_the_counts_right() {
    DrrQueue<String> queue = new DrrQueue<>();
    queue.add("A", 1, 0, "a1");
    queue.add("A", 1, 0, "a2");
    queue.add("B", 1, 0, "b1");
    assertTrue(queue.remove("A", "a2"));
    assertEquals(1, queue.length("A"));
    String first = queue.next();
    queue.putBack("A", 0, first);
    assertEquals(first, queue.next(), "put back = first in line again");
    assertEquals("b1", queue.next());
    assertTrue(queue.isEmpty());
    assertTrue(!queue.remove("B", "b1"), "already served");
  }
}
