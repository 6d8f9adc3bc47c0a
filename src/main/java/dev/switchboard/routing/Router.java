package dev.switchboard.routing;

import dev.switchboard.errors.GatewayError;
import dev.switchboard.provider.Deployment;
import io.vertx.core.Future;

/**
 * Chooses deployments; shared by every Router instance. Its own state is the read-only registry;
 * which deployments have room (rpm, tpm, parallel) is the gate's to say, and a saturated group's
 * requests wait in the gate's fair queue.
 */
public final class Router {

  private final ModelRegistry registry;
  private final DeploymentGate gate;

  public Router(ModelRegistry registry) {
    this(registry, DeploymentGate.UNBOUNDED);
  }

  public Router(ModelRegistry registry, DeploymentGate gate) {
    this.registry = registry;
    this.gate = gate;
  }

  public Future<Deployment> pick(PickRequest request) {
    ModelGroup group = registry.group(request.model());
    if (group == null) {
      return Future.failedFuture(unknownModel(request.model()));
    }
    if (!request.principal().allows(request.model())) {
      return Future.failedFuture(new GatewayError(403, "permission_error", "model_not_allowed", "model",
          "This key may not use model '" + request.model() + "'. It may use: "
              + String.join(", ", request.principal().allowedModels()) + ".", null));
    }
    return gate.admit(group, request);
  }

  private GatewayError unknownModel(String model) {
    String available = registry.modelNames().isEmpty()
        ? "none are configured (add entries to model_list in config.yaml)"
        : String.join(", ", registry.modelNames());
    return GatewayError.notFound("model_not_found", "model",
        "Model '" + model + "' does not exist on this gateway. Available models: " + available + ".");
  }
}
