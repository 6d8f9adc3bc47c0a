package dev.switchboard.alerting;

import dev.switchboard.bus.Bus;
import dev.switchboard.config.AlertingSettings;
import dev.switchboard.spend.InFlight;
import dev.switchboard.spend.SpendListener;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

/**
 * A gateway's alerting ({@code general_settings.alerting}): the detector told of each spend row,
 * and the alerting stage that sends what is published on {@code switchboard.alerts}. With alerting
 * off there is neither, and alerts published by others are not consumed. One per gateway.
 */
public final class Alerting {

  private final SpendListener listener;
  private final AlertingVerticle stage;
  private final String deployment;
  private final Vertx vertx;

  private Alerting(Vertx vertx, SpendListener listener, AlertingVerticle stage, String deployment) {
    this.vertx = vertx;
    this.listener = listener;
    this.stage = stage;
    this.deployment = deployment;
  }

  /** The by-reference codec of {@link AlertEvent}; once per Vert.x, whether alerting is on or not (others publish). */
  public static void registerCodec(Bus bus) {
    bus.registerLocalCodecs(AlertEvent.class);
  }

  /** Whether {@code settings} want the hanging-request alert, for which the requests in flight are kept. */
  public static boolean watchesInFlight(AlertingSettings settings) {
    return settings != null && settings.isOn() && settings.wants(AlertEvent.HANGING);
  }

  /**
   * @param settings null when alerting is off; {@code writes} null without a database
   * @param inFlight the model calls in flight, swept for hanging ones
   * @param registry where the router counts fallbacks, which the fallback report reads
   */
  public static Future<Alerting> start(Vertx vertx, Bus bus, AlertingSettings settings,
      AlertingVerticle.SpendWrites writes, InFlight inFlight, MeterRegistry registry) {
    if (settings == null || !settings.isOn()) {
      return Future.succeededFuture(new Alerting(vertx, SpendListener.NONE, null, null));
    }
    AlertDetector detector = new AlertDetector(settings, alert -> bus.publish(AlertEvent.ADDRESS, alert));
    AlertingVerticle stage = new AlertingVerticle(bus, settings, detector, writes,
        new Sweeps(settings, inFlight, registry));
    return vertx.deployVerticle(stage).map(id -> new Alerting(vertx, detector, stage, id));
  }

  /** What the accounting stage tells of each request. */
  public SpendListener listener() {
    return listener;
  }

  /** Posts made to Slack or the webhook. */
  public long delivered() {
    return stage == null ? 0 : stage.delivered();
  }

  /** Alerts not sent because the same cause had been sent within its time to live. */
  public long suppressed() {
    return stage == null ? 0 : stage.suppressed();
  }

  public Future<Void> close() {
    return deployment == null ? Future.succeededFuture() : vertx.undeploy(deployment);
  }
}
