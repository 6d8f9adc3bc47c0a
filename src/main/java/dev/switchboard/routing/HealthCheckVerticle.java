package dev.switchboard.routing;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.util.logging.Logger;

/**
 * {@code general_settings.background_health_checks}: probes every deployment at start and then every
 * {@code health_check_interval} seconds (the next round starts only when the last has ended), so
 * {@code /health} answers from the last report and failing deployments cool down before users hit them.
 * Deployed once per gateway.
 */
public final class HealthCheckVerticle extends VerticleBase {

  private static final Logger LOG = Logger.getLogger(HealthCheckVerticle.class.getName());

  private final HealthChecks health;
  private final long intervalMs;
  private long timer = -1;
  private boolean stopped;

  public HealthCheckVerticle(HealthChecks health, double intervalSeconds) {
    this.health = health;
    this.intervalMs = Math.max(1, Math.round(intervalSeconds * 1000));
  }

  @Override
  public Future<?> start() {
    round();
    return Future.succeededFuture();
  }

  private void round() {
    health.probeAll().onComplete(done -> {
      if (done.succeeded() && done.result().getInteger("unhealthy_count") > 0) {
        LOG.warning("Health check: " + done.result().getInteger("unhealthy_count") + " unhealthy deployment(s): "
            + done.result().getJsonArray("unhealthy_endpoints").encode());
      }
      if (!stopped) {
        timer = vertx.setTimer(intervalMs, id -> round());
      }
    });
  }

  @Override
  public Future<?> stop() {
    stopped = true;
    vertx.cancelTimer(timer);
    return Future.succeededFuture();
  }
}
