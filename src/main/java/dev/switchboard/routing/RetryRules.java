package dev.switchboard.routing;

import dev.switchboard.config.RoutingSettings;
import dev.switchboard.errors.ErrorClass;
import dev.switchboard.errors.GatewayError;
import dev.switchboard.errors.GatewayError.Fallback;
import dev.switchboard.model.Deployment;
import io.vertx.core.json.JsonObject;
import java.util.function.BooleanSupplier;

/** The attempt loop's decisions about a failure: how often it may be retried, and whether a fallback may help. */
final class RetryRules {

  private RetryRules() {
  }

  /** No deployment could be had: fallbacks help when all are resting, not when the caller may not use the model. */
  static GatewayError pickFailure(GatewayError error) {
    String code = error.code();
    boolean groupUnavailable = "no_deployments_available".equals(code) || RoutedCall.CIRCUIT_OPEN.equals(code)
        || ErrorClass.CONTEXT_LENGTH_CODE.equals(code) || error.status() == 429;
    return groupUnavailable ? error : error.withFallback(Fallback.NOT_THIS_GROUP);
  }

  /**
   * {@code retry_policy} for the error's class when it names it; otherwise none for errors of the
   * request (400, 404, 422, context window, content policy), and for the rest the request's
   * {@code num_retries}, else the deployment's {@code max_retries}, else the router's
   * {@code num_retries}. An authentication error is retried only when another deployment exists.
   * A context window or content policy error with fallbacks configured goes to them instead.
   *
   * @param body         the request's JSON (its own {@code num_retries})
   * @param anotherExists whether the group has a deployment other than {@code deployment} to try
   */
  static int allowed(RoutingSettings settings, JsonObject body, Deployment deployment, GatewayError error,
      BooleanSupplier anotherExists) {
    ErrorClass errorClass = error.errorClass();
    Integer policy = settings.retryPolicy().get(errorClass.litellmName());
    if (policy == null && errorClass.parent() != errorClass) {
      policy = settings.retryPolicy().get(errorClass.parent().litellmName());
    }
    if (policy != null) {
      return policy;
    }
    boolean authenticated = errorClass == ErrorClass.AUTHENTICATION || errorClass == ErrorClass.PERMISSION_DENIED;
    if (!errorClass.transientByDefault() && !(authenticated && anotherExists.getAsBoolean())) {
      return 0;
    }
    if (body.getValue("num_retries") instanceof Number n) {
      return Math.max(0, n.intValue());
    }
    return deployment.maxRetries() != null ? deployment.maxRetries() : settings.numRetries();
  }
}
