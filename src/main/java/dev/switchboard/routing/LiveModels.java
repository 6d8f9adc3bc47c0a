package dev.switchboard.routing;

import dev.switchboard.config.RoutingSettings;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The one owner of the model list and routing settings in force (one per gateway). Every reader
 * asks it once per request, so a reload swaps a single reference: a request in flight keeps the
 * deployments it already holds and finishes on them, the next request sees the new list.
 */
public final class LiveModels {

  /** A model list and the routing settings that go with it, swapped together. */
  public record Snapshot(ModelRegistry registry, RoutingSettings settings, Strategy strategy) {

    public Snapshot(ModelRegistry registry, RoutingSettings settings) {
      this(registry, settings, Strategy.of(settings.strategy()));
    }
  }

  private final AtomicReference<Snapshot> current;

  public LiveModels(ModelRegistry registry, RoutingSettings settings) {
    this.current = new AtomicReference<>(new Snapshot(registry, settings));
  }

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
