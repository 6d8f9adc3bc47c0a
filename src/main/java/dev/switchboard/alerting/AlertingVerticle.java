package dev.switchboard.alerting;

import dev.switchboard.bus.Addresses;
import dev.switchboard.model.BudgetAlert;
import dev.switchboard.bus.Bus;
import dev.switchboard.config.AlertingSettings;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import java.util.function.LongSupplier;

/**
 * The alerting stage, one instance per node: consumes {@code switchboard.alerts}, turns announced
 * deployment cooldowns into {@code cooldown_deployment} alerts, watches the spend writer
 * ({@code failed_tracking_spend} once spend rows wait over {@link #SPEND_WAIT_ALERT_MS} for
 * Postgres or rows are quarantined), sends the spend and fallback reports every
 * {@code daily_report_frequency}, and sweeps the calls in flight for hanging ones.
 */
public final class AlertingVerticle extends VerticleBase {

  static final long SPEND_WAIT_ALERT_MS = 60_000;
  private static final long WATCH_EVERY_MS = 15_000;

  /** The spend writer's state, or null without a database. */
  public interface SpendWrites {
    long oldestWaitMillis();

    long quarantinedRows();
  }

  private final Bus bus;
  private final AlertingSettings settings;
  private final AlertDetector detector;
  private final SpendWrites writes;
  private final Sweeps sweeps;
  private AlertDispatcher dispatcher;
  private long quarantinedSeen;

  AlertingVerticle(Bus bus, AlertingSettings settings, AlertDetector detector, SpendWrites writes, Sweeps sweeps) {
    this.sweeps = sweeps;
    this.bus = bus;
    this.settings = settings;
    this.detector = detector;
    this.writes = writes;
  }

  @Override
  public Future<?> start() {
    dispatcher = new AlertDispatcher(vertx, settings);
    vertx.setPeriodic(settings.reportEveryMs(), id -> {
      AlertEvent report = detector.report(System.currentTimeMillis());
      if (report != null) {
        dispatcher.dispatch(report);
      }
      AlertEvent fallbacks = sweeps.fallbackReport(System.currentTimeMillis());
      if (fallbacks != null) {
        dispatcher.dispatch(fallbacks);
      }
    });
    if (settings.wants(AlertEvent.HANGING)) {
      vertx.setPeriodic(sweeps.hangingSweepMs(), id -> sweeps.hanging(System.currentTimeMillis())
          .forEach(dispatcher::dispatch));
    }
    if (writes != null) {
      quarantinedSeen = writes.quarantinedRows();
      vertx.setPeriodic(WATCH_EVERY_MS, id -> watchSpendWrites());
    }
    return Future.all(
        bus.consume(AlertEvent.ADDRESS, (Object body) -> {
          AlertEvent alert = body instanceof AlertEvent event ? event
              : body instanceof BudgetAlert crossed ? AlertEvent.of(crossed)
              : body instanceof JsonObject json ? AlertEvent.fromJson(json) : null;
          if (alert != null) {
            dispatcher.dispatch(alert);
          }
        }),
        bus.hear(Addresses.ROUTER_COOLDOWN, this::cooledDown));
  }

  private void cooledDown(JsonObject cooldown) {
    long until = cooldown.getLong("until_epoch_ms", 0L);
    String deployment = cooldown.getString("deployment_id");
    if (until == 0 || deployment == null) {
      return; // a reset, not a cooldown
    }
    long now = System.currentTimeMillis();
    dispatcher.dispatch(new AlertEvent(AlertEvent.COOLDOWN, "Medium", "Deployment " + deployment
        + " cooled down for " + Math.max(1, (until - now) / 1000) + " s: " + cooldown.getString("reason", ""),
        AlertEvent.COOLDOWN + ":" + deployment, now, new JsonObject().put("deployment", deployment)
            .put("cooldown_until", until)));
  }

  private void watchSpendWrites() {
    long now = System.currentTimeMillis();
    long waited = writes.oldestWaitMillis();
    long quarantined = writes.quarantinedRows();
    if (waited > SPEND_WAIT_ALERT_MS) {
      dispatcher.dispatch(new AlertEvent(AlertEvent.FAILED_SPEND_WRITES, "High", "Failed tracking spend: rows have "
          + "waited " + waited / 1000 + " s for Postgres; they are kept in the spool and written when it is back",
          AlertEvent.FAILED_SPEND_WRITES + ":postgres", now, new JsonObject().put("waited_s", waited / 1000)));
    }
    if (quarantined > quarantinedSeen) {
      dispatcher.dispatch(new AlertEvent(AlertEvent.FAILED_SPEND_WRITES, "High", "Failed tracking spend: "
          + (quarantined - quarantinedSeen) + " spend rows were refused by Postgres and set aside in the spool's "
          + "dead-letter file", AlertEvent.FAILED_SPEND_WRITES + ":quarantined:" + quarantined, now,
          new JsonObject().put("quarantined_rows", quarantined)));
      quarantinedSeen = quarantined;
    }
  }

  /** Alerts sent (each post to Slack or the webhook), and alerts held back as repeats. */
  long delivered() {
    return dispatcher == null ? 0 : dispatcher.delivered.sum();
  }

  long suppressed() {
    return dispatcher == null ? 0 : dispatcher.suppressed.sum();
  }

  @Override
  public Future<?> stop() {
    return dispatcher == null ? Future.succeededFuture() : dispatcher.close();
  }
}
