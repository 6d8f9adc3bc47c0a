package dev.switchboard;

import dev.switchboard.config.CallbackSettings;
import dev.switchboard.config.GatewayConfig;
import dev.switchboard.config.GuardrailConfig;
import dev.switchboard.guardrail.Guardrails;
import dev.switchboard.reload.ConfigReloader;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The guardrails and logging callbacks in force, which a config reload replaces: requests ask for
 * the guardrails per request (one reference), the callbacks swap their sinks themselves. A reload
 * whose guardrails cannot be built is refused before anything changes. One per gateway.
 */
final class LiveSettings implements ConfigReloader.RuntimeSettings {

  private final AtomicReference<Guardrails> guardrails;
  private final AtomicReference<Observers> observers;
  private final Vertx vertx;
  private volatile List<GuardrailConfig> guardrailConfigs;

  /** @param vertx what the guardrails that call a service send their requests with */
  LiveSettings(GatewayConfig started, AtomicReference<Observers> observers, Vertx vertx) {
    this.vertx = vertx;
    this.guardrails = new AtomicReference<>(Startup.guardrails(started, vertx));
    this.guardrailConfigs = started.guardrails();
    this.observers = observers;
  }

  /** The guardrails in force, for each request. */
  Supplier<Guardrails> guardrails() {
    return guardrails::get;
  }

  /** Whether the logging callbacks in force may log prompt text (streams then keep theirs for them). */
  BooleanSupplier logsPrompts() {
    return () -> {
      Observers o = observers.get();
      return o != null && o.liveCallbacks().logsPrompts();
    };
  }

  @Override
  public Prepared prepare(GatewayConfig next) {
    Guardrails built = next.guardrails().equals(guardrailConfigs) ? null : Startup.guardrails(next, vertx);
    CallbackSettings callbacks = next.observability().callbacks();
    return () -> {
      List<String> changed = new ArrayList<>();
      if (built != null) {
        guardrails.set(built);
        guardrailConfigs = next.guardrails();
        changed.add("guardrails");
      }
      Observers o = observers.get();
      if (o == null) {
        return Future.succeededFuture(changed);
      }
      return o.liveCallbacks().apply(callbacks).map(swapped -> {
        if (swapped) {
          changed.add("callbacks");
        }
        return List.copyOf(changed);
      });
    };
  }
}
