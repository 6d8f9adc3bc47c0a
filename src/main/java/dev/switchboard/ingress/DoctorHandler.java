package dev.switchboard.ingress;

import dev.switchboard.doctor.Doctor;
import dev.switchboard.errors.ErrorResponses;
import dev.switchboard.errors.GatewayError;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code GET /health/doctor} (master key): {@code switchboard doctor}'s checks on the running
 * gateway's config, as JSON; {@code ?offline=true} skips the provider probes. 200 when nothing
 * fails, 503 otherwise, so a probe can alert on it.
 */
final class DoctorHandler implements Handler<RoutingContext> {

  private final Doctor doctor;

  DoctorHandler(Doctor doctor) {
    this.doctor = doctor;
  }

  @Override
  public void handle(RoutingContext ctx) {
    boolean offline = "true".equalsIgnoreCase(ctx.request().getParam("offline"));
    doctor.run(new Doctor.Options(offline, null, -1))
        .onSuccess(report -> ctx.response().setStatusCode(report.failed() ? 503 : 200)
            .putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(report.toJson().encodePrettily()))
        .onFailure(failure -> ErrorResponses.write(ctx.response(), GatewayError.of(failure)));
  }
}
