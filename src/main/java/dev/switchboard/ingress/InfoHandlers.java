package dev.switchboard.ingress;

import dev.switchboard.Version;
import dev.switchboard.auth.AuthCheck;
import dev.switchboard.auth.Credentials;
import dev.switchboard.auth.Principal;
import dev.switchboard.bus.Addresses;
import dev.switchboard.bus.Bus;
import dev.switchboard.errors.ErrorResponses;
import dev.switchboard.errors.GatewayError;
import dev.switchboard.routing.DeploymentStates;
import dev.switchboard.routing.LiveModels;
import dev.switchboard.routing.ModelRegistry;
import java.util.function.Supplier;
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
  private final DeploymentStates deployments;
  private final Supplier<String> redisStatus;

  /**
   * @param withDatabase whether the gateway has its Postgres (readiness says so, as LiteLLM's does)
   * @param redisStatus  connected, unavailable, or null when Redis is not configured
   */
  InfoHandlers(Bus bus, LiveModels models, long createdEpochSeconds, boolean withDatabase,
      DeploymentStates deployments, Supplier<String> redisStatus) {
    this.deployments = deployments;
    this.redisStatus = redisStatus;
    this.bus = bus;
    this.models = models;
    this.createdEpochSeconds = createdEpochSeconds;
    JsonObject health = new JsonObject().put("status", "healthy").put("version", Version.VERSION);
    this.liveness = health.toBuffer();
    // Said the way LiteLLM says it, so probes that read the field keep working. The pool was
    // proven at start; a lost database shows in the requests that need it.
    this.readiness = health.copy().put("db", withDatabase ? "connected" : "Not connected");
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
    bus.<Principal>request(Addresses.AUTH_CHECK, new AuthCheck(Credentials.from(ctx.request().headers())))
        .onSuccess(principal -> json(ctx, principal.allowedModels().isEmpty() ? fullList() : modelList(principal)))
        .onFailure(failure -> ErrorResponses.write(ctx.response(), GatewayError.of(failure)));
  }

  /** Liveness and readiness answer without a key, for load balancers and orchestrators. */
  void liveness(RoutingContext ctx) {
    json(ctx, liveness);
  }

  /** Also Redis ({@code cache}: redis or null, with its state) and how many deployments can take traffic now. */
  void readiness(RoutingContext ctx) {
    String redis = redisStatus.get();
    json(ctx, readiness.copy().put("cache", redis == null ? null : "redis").put("redis", redis == null ? "not configured" : redis)
        .put("healthy_deployments", deployments.healthyCount()).put("deployments", deployments.size()).toBuffer());
  }

  private static void json(RoutingContext ctx, Buffer body) {
    ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(body);
  }
}
