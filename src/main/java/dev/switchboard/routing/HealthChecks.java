package dev.switchboard.routing;

import dev.switchboard.bus.Addresses;
import dev.switchboard.bus.Bus;
import dev.switchboard.errors.GatewayError;
import dev.switchboard.model.CallBody;
import dev.switchboard.model.Deployment;
import dev.switchboard.model.Operation;
import dev.switchboard.model.RelayCall;
import dev.switchboard.model.RelayResult;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Probes every deployment with a minimal request (one token of chat, one embedding, or one token
 * of text completion, by {@code model_info.mode}) and answers in LiteLLM's {@code /health} shape,
 * without secrets. A failed probe counts against the deployment like a failed request (so
 * background checks feed cooldowns); the last result of each is kept for {@code /router/deployments}.
 */
public final class HealthChecks {

  /** The longest a probe waits, whatever the deployment's own timeout. */
  static final long PROBE_TIMEOUT_MS = 30_000;

  private final Bus bus;
  private final DeploymentStates states;
  private volatile JsonObject last;

  public HealthChecks(Bus bus, DeploymentStates states) {
    this.bus = bus;
    this.states = states;
  }

  /** Probes every deployment now (from an event loop, over the bus to the relay). */
  public Future<JsonObject> probeAll() {
    List<Future<JsonObject>> probes = new ArrayList<>();
    for (DeploymentState state : states.all()) {
      // A wildcard deployment (openai/*) has no one model to ask for; its calls tell its health.
      if (state.deployment.modelGroup().indexOf('*') < 0) {
        probes.add(probe(state));
      }
    }
    return Future.join(probes).transform(done -> {
      JsonArray healthy = new JsonArray();
      JsonArray unhealthy = new JsonArray();
      for (Future<JsonObject> probe : probes) {
        JsonObject endpoint = probe.result();
        (endpoint.containsKey("error") ? unhealthy : healthy).add(endpoint);
      }
      JsonObject report = new JsonObject().put("healthy_endpoints", healthy).put("unhealthy_endpoints", unhealthy)
          .put("healthy_count", healthy.size()).put("unhealthy_count", unhealthy.size());
      last = report;
      return Future.succeededFuture(report);
    });
  }

  /** The last report of {@link #probeAll}, or null before the first. */
  public JsonObject last() {
    return last;
  }

  private Future<JsonObject> probe(DeploymentState state) {
    Deployment deployment = state.deployment;
    Operation operation = operation(deployment);
    long timeout = Math.min(PROBE_TIMEOUT_MS, deployment.timeoutMs());
    RelayCall call = new RelayCall("health-" + UUID.randomUUID(), operation, deployment, timeout,
        Math.min(PROBE_TIMEOUT_MS, deployment.streamTimeoutMs()), new CallBody(body(operation, deployment)), false,
        false, null, null, MultiMap.caseInsensitiveMultiMap(), System.nanoTime(), null, null, false);
    JsonObject endpoint = describe(deployment);
    return bus.<RelayResult>hop(Addresses.RELAY_CALL, call).transform(outcome -> {
      long now = states.now();
      if (outcome.succeeded()) {
        state.checked(now, true, null);
        return Future.succeededFuture(endpoint);
      }
      GatewayError error = GatewayError.of(outcome.cause());
      state.checked(now, false, error.getMessage());
      states.failedProbe(deployment, error);
      return Future.succeededFuture(endpoint.put("error", error.getMessage()).put("status_code", error.status()));
    });
  }

  private static Operation operation(Deployment deployment) {
    String mode = deployment.info().mode();
    if ("embedding".equals(mode)) {
      return Operation.EMBEDDING;
    }
    if ("rerank".equals(mode) || "moderation".equals(mode)) {
      return "rerank".equals(mode) ? Operation.RERANK : Operation.MODERATION;
    }
    return "completion".equals(mode) ? Operation.COMPLETION : Operation.CHAT;
  }

  private static JsonObject body(Operation operation, Deployment deployment) {
    JsonObject body = new JsonObject().put("model", deployment.modelGroup());
    return switch (operation) {
      case EMBEDDING, MODERATION -> body.put("input", "health check");
      case RERANK -> body.put("query", "health check").put("documents", new JsonArray().add("health check"));
      case COMPLETION -> body.put("prompt", "ping").put("max_tokens", 1);
      default -> body.put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", "ping")))
          .put("max_tokens", 1);
    };
  }

  /** What LiteLLM shows of a deployment: its litellm_params without the key, and its ids. */
  static JsonObject describe(Deployment deployment) {
    JsonObject out = new JsonObject()
        .put("model", deployment.provider().prefix() + "/" + deployment.upstreamModel())
        .put("model_name", deployment.modelGroup())
        .put("model_id", deployment.id());
    if (deployment.apiBase().isSet()) {
      out.put("api_base", deployment.apiBase().value());
    }
    if (deployment.apiVersion().isSet()) {
      out.put("api_version", deployment.apiVersion().value());
    }
    return out;
  }
}
