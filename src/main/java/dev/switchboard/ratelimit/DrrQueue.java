package dev.switchboard.ratelimit;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Waiting requests, one FIFO per tenant, served by priority and then by deficit round robin:
 * among the tenants of the highest priority that has any waiting, each turn a tenant earns its
 * weight in credit and is served one request per whole credit, so over time tenants are served
 * in proportion to their weights, whatever their queue lengths. A flood from one tenant
 * therefore delays another by about one request per turn, never by the length of the flood.
 * Not thread-safe: its owner ({@link FairQueues}) holds a lock around every call.
 *
 * @param <W> a waiting request
 */
final class DrrQueue<W> {

  static final double MIN_WEIGHT = 0.01;
  static final double MAX_WEIGHT = 1000;

  private static final class Tenant<W> {
    final String id;
    final int priority;
    final ArrayDeque<W> waiting = new ArrayDeque<>();
    double weight;
    double credit;

    Tenant(String id, double weight, int priority) {
      this.id = id;
      this.weight = weight;
      this.priority = priority;
    }
  }

  private final Map<String, Tenant<W>> tenants = new HashMap<>();
  /** Priority → the ring of tenants with requests waiting, served from its head. */
  private final TreeMap<Integer, ArrayDeque<Tenant<W>>> rings = new TreeMap<>();
  private int size;

  int size() {
    return size;
  }

  boolean isEmpty() {
    return size == 0;
  }

  /** Requests {@code tenant} has waiting. */
  int length(String tenant) {
    Tenant<W> t = tenants.get(tenant);
    return t == null ? 0 : t.waiting.size();
  }

  /**
   * Queues {@code item} at the back of its tenant's FIFO, with the weight the tenant's settings
   * give now. A tenant keeps one priority: callers make it part of the tenant's name.
   */
  void add(String tenant, double weight, int priority, W item) {
    Tenant<W> t = tenants.get(tenant);
    if (t == null) {
      t = new Tenant<>(tenant, clamp(weight), priority);
      tenants.put(tenant, t);
      rings.computeIfAbsent(priority, p -> new ArrayDeque<>()).addLast(t);
    }
    t.weight = clamp(weight);
    t.waiting.addLast(item);
    size++;
  }

  /** The next request to serve, taken out of the queue; null when none waits. */
  W next() {
    if (size == 0) {
      return null;
    }
    Map.Entry<Integer, ArrayDeque<Tenant<W>>> level = rings.lastEntry();
    ArrayDeque<Tenant<W>> ring = level.getValue();
    while (true) {
      Tenant<W> head = ring.peekFirst();
      if (head.credit < 1) {
        head.credit += head.weight;
        if (head.credit < 1) {
          ring.addLast(ring.pollFirst());
          continue;
        }
      }
      head.credit -= 1;
      W item = head.waiting.pollFirst();
      size--;
      if (head.waiting.isEmpty()) {
        ring.pollFirst();
        retire(head, level.getKey(), ring);
      } else if (head.credit < 1) {
        ring.addLast(ring.pollFirst());
      }
      return item;
    }
  }

  /**
   * Puts back what {@link #next()} returned but could not be served after all: first in line
   * again, its tenant at the head of the ring with the credit it spent, so the next turn is
   * still its own (otherwise a tenant put back after every try would lose every turn).
   */
  void putBack(String tenant, int priority, W item) {
    Tenant<W> t = tenants.get(tenant);
    ArrayDeque<Tenant<W>> ring = rings.computeIfAbsent(priority, p -> new ArrayDeque<>());
    if (t == null) {
      t = new Tenant<>(tenant, 1, priority);
      tenants.put(tenant, t);
    } else {
      ring.remove(t);
    }
    ring.addFirst(t);
    t.waiting.addFirst(item);
    t.credit += 1;
    size++;
  }

  /** Takes out a request that stopped waiting (timed out); false when it was no longer queued. */
  boolean remove(String tenant, W item) {
    Tenant<W> t = tenants.get(tenant);
    if (t == null || !t.waiting.remove(item)) {
      return false;
    }
    size--;
    if (t.waiting.isEmpty()) {
      ArrayDeque<Tenant<W>> ring = rings.get(t.priority);
      ring.remove(t);
      retire(t, t.priority, ring);
    }
    return true;
  }

  private void retire(Tenant<W> tenant, int priority, ArrayDeque<Tenant<W>> ring) {
    tenant.credit = 0;
    tenants.remove(tenant.id);
    if (ring.isEmpty()) {
      rings.remove(priority);
    }
  }

  private static double clamp(double weight) {
    if (Double.isNaN(weight)) {
      return 1;
    }
    return Math.max(MIN_WEIGHT, Math.min(MAX_WEIGHT, weight));
  }
}
