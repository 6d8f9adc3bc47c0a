package dev.switchboard.ingress;

import dev.switchboard.Version;
import dev.switchboard.model.AuthCheck;
import dev.switchboard.model.Credentials;
import dev.switchboard.model.Principal;
import dev.switchboard.bus.Addresses;
import dev.switchboard.bus.Bus;
import dev.switchboard.errors.ErrorResponses;
import dev.switchboard.errors.GatewayError;
import dev.switchboard.routing.DeploymentStates;
import dev.switchboard.routing.LiveModels;
import dev.switchboard.routing.ModelRegistry;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import dev.switchboard.store.DatabaseHealth;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** The read-only endpoints: the model list and the health probes. */
final class InfoHandlers {

  private final Bus bus;
  private final LiveModels models;
  private final long createdEpochSeconds;
  /** The full list, built once per model list in force (a reload replaces the registry, and so this). */
  private record FullList(ModelRegistry registry, Buffer body) {
  }

  private volatile FullList fullList;
  private final Buffer liveness;
  private final JsonObject readiness;
  private final DatabaseHealth database;
  private final DeploymentStates deployments;
  private final Supplier<String> redisStatus;
  private final BooleanSupplier warming;

  /**
   * @param database     the gateway's Postgres, probed by readiness; null without one
   * @param redisStatus  connected, unavailable, or null when Redis is not configured
   * @param warming      whether the gateway is still warming up (readiness says 503 until it is not)
   */
  InfoHandlers(Bus bus, LiveModels models, long createdEpochSeconds, DatabaseHealth database,
      DeploymentStates deployments, Supplier<String> redisStatus, BooleanSupplier warming) {
    this.warming = warming;
    this.deployments = deployments;
    this.redisStatus = redisStatus;
    this.bus = bus;
    this.models = models;
    this.createdEpochSeconds = createdEpochSeconds;
    JsonObject health = new JsonObject().put("status", "healthy").put("version", Version.VERSION);
    this.liveness = health.toBuffer();
    this.database = database;
    this.readiness = health.copy().put("db", database != null ? "connected" : "Not connected");
  }

  /** OpenAI's list shape with the {@code model_name}s this caller may use. */
  private Buffer modelList(Principal principal) {
    return modelList(models.registry(), principal);
  }

  private Buffer fullList() {
    ModelRegistry registry = models.registry();
    FullList list = fullList;
    if (list == null || list.registry() != registry) {
      list = new FullList(registry, modelList(registry, Principal.MASTER));
      fullList = list;
    }
    return list.body();
  }

  private Buffer modelList(ModelRegistry registry, Principal principal) {
    JsonArray data = new JsonArray();
    for (String name : registry.listedNames()) {
      if (principal.allows(name) || principal.allows(registry.resolve(name).name())) {
        data.add(new JsonObject().put("id", name).put("object", "model").put("created", createdEpochSeconds)
            .put("owned_by", "openai"));
      }
    }
    return new JsonObject().put("object", "list").put("data", data).toBuffer();
  }

  /**
   * {@code GET /v1/models}: only the models the calling key may use (LiteLLM lists them all);
   * the full list, built once, for keys without limits.
   */
  void models(RoutingContext ctx) {
    boolean wildcards = "true".equalsIgnoreCase(ctx.request().getParam("return_wildcard_routes"));
    bus.<Principal>hop(Addresses.AUTH_CHECK, new AuthCheck(Credentials.from(ctx.request().headers())))
        .onSuccess(principal -> json(ctx, wildcards ? ModelById.withWildcards(models.registry(), principal, createdEpochSeconds)
            : principal.allowedModels().isEmpty() ? fullList() : modelList(principal)))
        .onFailure(failure -> ErrorResponses.write(ctx.response(), GatewayError.of(failure)));
  }

  /** {@code GET /v1/models/{id}}: one model the key may use, or OpenAI's 404 (also for one it may not use). */
  void model(RoutingContext ctx) {
    String id = ModelById.idOf(ctx);
    bus.<Principal>hop(Addresses.AUTH_CHECK, new AuthCheck(Credentials.from(ctx.request().headers())))
        .onSuccess(principal -> {
          JsonObject model = ModelById.find(models.registry(), principal, id, createdEpochSeconds);
          if (model == null) {
            ErrorResponses.write(ctx.response(), ModelById.notFound(id));
          } else {
            json(ctx, model.toBuffer());
          }
        })
        .onFailure(failure -> ErrorResponses.write(ctx.response(), GatewayError.of(failure)));
  }

  /** Liveness and readiness answer without a key, for load balancers and orchestrators. */
  void liveness(RoutingContext ctx) {
    json(ctx, liveness);
  }

  /**
   * Also Redis ({@code cache}: redis or null, with its state), how many deployments can take
   * traffic now, and the database as a probe just found it (said the way LiteLLM says it, so probes
   * that read the field keep working): 503 with {@code "db": "disconnected"} while it is unreachable.
   */
  void readiness(RoutingContext ctx) {
    String redis = redisStatus.get();
    JsonObject ready = readiness.copy().put("cache", redis == null ? null : "redis")
        .put("redis", redis == null ? "not configured" : redis)
        .put("healthy_deployments", deployments.healthyCount()).put("deployments", deployments.size());
    if (warming.getAsBoolean()) {
      // Served, but at a fraction of full speed until its code is compiled: not ready for a balancer's traffic.
      ctx.response().setStatusCode(503);
      json(ctx, ready.put("status", "warming up").toBuffer());
      return;
    }
    if (database == null) {
      json(ctx, ready.toBuffer());
      return;
    }
    // The probe's answer is shared by every loop; the response is written from its own.
    Context here = Vertx.currentContext();
    database.reachable().onComplete(probe -> here.runOnContext(v -> {
      if (probe.succeeded() && probe.result()) {
        json(ctx, ready.toBuffer());
      } else {
        ctx.response().setStatusCode(503);
        json(ctx, ready.put("status", "unhealthy").put("db", "disconnected").toBuffer());
      }
    }));
  }

  private static void json(RoutingContext ctx, Buffer body) {
    ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(body);
  }
}
