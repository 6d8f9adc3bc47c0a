package dev.switchboard.callbacks;

import dev.switchboard.config.CallbackSettings;
import dev.switchboard.spend.SpendEvent;
import dev.switchboard.spend.SpendListener;
import dev.switchboard.spend.SpendRow;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.logging.Logger;

/**
 * The logging callbacks in force: what the accounting stage tells of each request goes to the
 * current sinks, and a config reload replaces them with one reference swap. The next sinks are
 * started before the swap, so no event falls between; the previous ones then post what they hold
 * and stop. One per gateway.
 */
public final class LiveCallbacks implements SpendListener {

  private static final Logger LOG = Logger.getLogger(LiveCallbacks.class.getName());

  private final Vertx vertx;
  private final MeterRegistry registry;
  private volatile Callbacks current;
  /** Reloads one after the other: the next waits for the previous swap. */
  private Future<Boolean> lastApply = Future.succeededFuture(false);

  private LiveCallbacks(Vertx vertx, MeterRegistry registry, Callbacks first) {
    this.vertx = vertx;
    this.registry = registry;
    this.current = first;
  }

  public static Future<LiveCallbacks> start(Vertx vertx, CallbackSettings settings, MeterRegistry registry) {
    return Callbacks.start(vertx, settings, registry).map(first -> new LiveCallbacks(vertx, registry, first));
  }

  @Override
  public void recorded(SpendEvent event, SpendRow row) {
    current.recorded(event, row);
  }

  /** The sinks in force now. */
  public Callbacks current() {
    return current;
  }

  /** Whether the sinks in force may log prompt text (a stream then keeps its prompt for them). */
  public boolean logsPrompts() {
    return current.logsPrompts();
  }

  /**
   * Puts {@code next} in force; true when it changed anything. Sinks that cannot start (an unusable
   * key file) fail it and the ones in force stay.
   */
  public synchronized Future<Boolean> apply(CallbackSettings next) {
    lastApply = lastApply.transform(ignored -> swap(next));
    return lastApply;
  }

  private Future<Boolean> swap(CallbackSettings next) {
    Callbacks before = current;
    if (before.settings().equals(next)) {
      return Future.succeededFuture(false);
    }
    // Without meters until the previous sinks' are removed: the names are the same.
    return Callbacks.start(vertx, next, null).compose(started -> {
      current = started;
      return before.close().recover(e -> Future.succeededFuture()).map(v -> {
        started.register(registry);
        LOG.info("Logging callbacks reloaded: " + next.sinks());
        return true;
      });
    });
  }

  public Future<Void> close() {
    return lastApply.transform(ignored -> current.close());
  }
}
