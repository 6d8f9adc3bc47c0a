package dev.switchboard;

import dev.switchboard.alerting.Alerting;
import dev.switchboard.alerting.AlertingVerticle;
import dev.switchboard.bus.Bus;
import dev.switchboard.callbacks.Callbacks;
import dev.switchboard.callbacks.LiveCallbacks;
import dev.switchboard.config.GatewayConfig;
import dev.switchboard.metrics.Metrics;
import dev.switchboard.spend.Accounting;
import dev.switchboard.spend.InFlight;
import dev.switchboard.spend.SpendListener;
import dev.switchboard.spend.SpendWriter;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

/**
 * What watches each request from outside its path: the logging callbacks and alerting, both told
 * of every spend row by the accounting stage. Started before it, closed after it.
 */
final class Observers {

  private final LiveCallbacks callbacks;
  private final Alerting alerting;

  private Observers(LiveCallbacks callbacks, Alerting alerting) {
    this.callbacks = callbacks;
    this.alerting = alerting;
  }

  static Future<Observers> start(Vertx vertx, Bus bus, GatewayConfig config, Accounting accounting, Metrics metrics,
      InFlight inFlight) {
    SpendWriter writer = accounting.writer();
    AlertingVerticle.SpendWrites writes = writer == null ? null : new AlertingVerticle.SpendWrites() {
      @Override
      public long oldestWaitMillis() {
        return writer.oldestWaitMillis();
      }

      @Override
      public long quarantinedRows() {
        return writer.quarantinedRows();
      }
    };
    return LiveCallbacks.start(vertx, config.observability().callbacks(), metrics.registry())
        .compose(callbacks -> Alerting.start(vertx, bus, config.observability().alerting(), writes, inFlight, metrics.registry())
            .map(alerting -> new Observers(callbacks, alerting)));
  }

  SpendListener listener() {
    return SpendListener.both(callbacks, alerting.listener());
  }

  Callbacks callbacks() {
    return callbacks.current();
  }

  /** The callbacks a config reload replaces. */
  LiveCallbacks liveCallbacks() {
    return callbacks;
  }

  Alerting alerting() {
    return alerting;
  }

  /** Sends what the callbacks still hold (briefly), then stops both. */
  Future<Void> close() {
    return callbacks.close().eventually(alerting::close);
  }
}
