package dev.switchboard.routing;

import dev.switchboard.config.RoutingSettings;
import dev.switchboard.model.Deployment;
import dev.switchboard.model.Price;
import dev.switchboard.model.PriceBook;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The one owner of the runtime snapshot in force (one per gateway): the model list (with its
 * deployments' limits and the access groups), the routing settings and strategy, and every
 * deployment's price. A request takes the snapshot once, when it arrives, and keeps it to its end;
 * a reload builds a new one and swaps this single reference, so a request in flight finishes on
 * the models, settings and prices it started with and the next request sees the new ones.
 */
public final class LiveModels {

  /**
   * One config's runtime view, immutable. A wildcard deployment ({@code openai/*}) is priced by the
   * model each request substitutes, looked up in {@code book} and remembered in {@code substituted}.
   */
  public record Snapshot(ModelRegistry registry, RoutingSettings settings, Strategy strategy,
      Map<String, Price> prices, Set<String> wildcardIds, PriceBook book, Map<String, Price> substituted) {

    private static final int SUBSTITUTED_LIMIT = 1024;

    /** Prices every deployment of {@code registry} now, so no request prices one twice or differently. */
    public static Snapshot of(ModelRegistry registry, RoutingSettings settings, PriceBook book) {
      Map<String, Price> prices = new HashMap<>();
      Set<String> wildcardIds = new HashSet<>();
      for (String group : registry.modelNames()) {
        for (Deployment d : registry.group(group).deployments()) {
          if (d.modelGroup().indexOf('*') >= 0) {
            wildcardIds.add(d.id()); // priced per substituted model, not as "openai/*"
          } else {
            prices.putIfAbsent(d.id(), book.of(d));
          }
        }
      }
      return new Snapshot(registry, settings, Strategy.of(settings.strategy()), Map.copyOf(prices),
          Set.copyOf(wildcardIds), book, new ConcurrentHashMap<>());
    }

    /** What {@code deployment}'s tokens cost under this config ({@link Price#UNKNOWN} for none). */
    public Price price(Deployment deployment) {
      if (deployment == null) {
        return Price.UNKNOWN;
      }
      if (!wildcardIds.isEmpty() && wildcardIds.contains(deployment.id())) {
        return wildcardPrice(deployment);
      }
      Price price = prices.get(deployment.id());
      return price == null ? Price.UNKNOWN : price;
    }

    private Price wildcardPrice(Deployment deployment) {
      if (deployment.upstreamModel().indexOf('*') >= 0) {
        return Price.UNKNOWN;
      }
      String model = deployment.provider().prefix() + "/" + deployment.upstreamModel() + "|" + deployment.id();
      Price price = substituted.get(model);
      if (price == null) {
        price = book.of(deployment);
        if (substituted.size() < SUBSTITUTED_LIMIT) {
          substituted.put(model, price);
        }
      }
      return price;
    }
  }

  private final AtomicReference<Snapshot> current;

  public LiveModels(Snapshot first) {
    this.current = new AtomicReference<>(first);
  }

  public LiveModels(ModelRegistry registry, RoutingSettings settings) {
    this(Snapshot.of(registry, settings, PriceBook.shipped()));
  }

  /** The snapshot in force: what a request arriving now runs on. */
  public Snapshot current() {
    return current.get();
  }

  public ModelRegistry registry() {
    return current.get().registry();
  }

  public RoutingSettings settings() {
    return current.get().settings();
  }

  /** Puts {@code next} in force; the state behind it (deployment states, limits) must be ready first. */
  void swap(Snapshot next) {
    current.set(next);
  }
}
