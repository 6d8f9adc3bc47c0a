package dev.switchboard.spend;

import dev.switchboard.model.Usage;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;

/**
 * Running totals per model group, in memory, shared by every SpendLog instance. Persistence comes
 * with the budgets issue; until then these totals are what the gateway knows of its spend.
 */
public final class SpendLedger {

  /** A consistent-enough snapshot of one model group's totals. */
  public record Totals(long requests, long failures, long promptTokens, long completionTokens, double cost) {
  }

  private static final class Counters {
    final LongAdder requests = new LongAdder();
    final LongAdder failures = new LongAdder();
    final LongAdder promptTokens = new LongAdder();
    final LongAdder completionTokens = new LongAdder();
    final DoubleAdder cost = new DoubleAdder();
  }

  private final Map<String, Counters> byModel = new ConcurrentHashMap<>();

  void add(String model, Usage usage, double cost, boolean failed) {
    Counters counters = byModel.computeIfAbsent(model, m -> new Counters());
    counters.requests.increment();
    if (failed) {
      counters.failures.increment();
    }
    counters.promptTokens.add(usage.promptTokens());
    counters.completionTokens.add(usage.completionTokens());
    counters.cost.add(cost);
  }

  public Totals totals(String model) {
    Counters c = byModel.get(model);
    if (c == null) {
      return new Totals(0, 0, 0, 0, 0);
    }
    return new Totals(c.requests.sum(), c.failures.sum(), c.promptTokens.sum(), c.completionTokens.sum(), c.cost.sum());
  }
}
