package dev.switchboard.routing;

import dev.switchboard.bus.Addresses;
import dev.switchboard.bus.Bus;
import dev.switchboard.errors.ErrorResponses;
import dev.switchboard.errors.GatewayError;
import dev.switchboard.model.AuthCheck;
import dev.switchboard.model.Credentials;
import dev.switchboard.model.Deployment;
import dev.switchboard.model.Price;
import dev.switchboard.model.Principal;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * LiteLLM's {@code /model/info} (also {@code /v1/model/info}) and {@code /model_group/info}: the
 * deployments and model groups of the request's runtime snapshot, with prices and limits, as the
 * calling key may see them (the master key sees all). Provider keys never appear.
 */
public final class ModelInfoRoutes {

  private final Bus bus;
  private final LiveModels models;

  public ModelInfoRoutes(Bus bus, LiveModels models) {
    this.bus = bus;
    this.models = models;
  }

  public void mount(Router router) {
    for (String path : List.of("/model/info", "/v1/model/info")) {
      router.get(path).handler(ctx -> answer(ctx, this::deployments));
    }
    router.get("/model_group/info").handler(ctx -> answer(ctx, this::groups));
  }

  private void answer(RoutingContext ctx, BiFunction<RoutingContext, Principal, JsonArray> data) {
    bus.<Principal>hop(Addresses.AUTH_CHECK, new AuthCheck(Credentials.from(ctx.request().headers())))
        .onSuccess(principal -> ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
            .end(new JsonObject().put("data", data.apply(ctx, principal)).toBuffer()))
        .onFailure(failure -> ErrorResponses.write(ctx.response(), GatewayError.of(failure)));
  }

  /** One entry per deployment; {@code ?litellm_model_id=} keeps one. */
  private JsonArray deployments(RoutingContext ctx, Principal principal) {
    LiveModels.Snapshot snapshot = models.current();
    String wanted = ctx.request().getParam("litellm_model_id");
    JsonArray data = new JsonArray();
    for (Deployment deployment : snapshot.registry().deployments()) {
      if (principal.allows(deployment.modelGroup()) && (wanted == null || wanted.equals(deployment.id()))) {
        data.add(new JsonObject().put("model_name", deployment.modelGroup())
            .put("litellm_params", params(deployment))
            .put("model_info", info(deployment, snapshot.price(deployment))));
      }
    }
    return data;
  }

  /** One entry per model group: its providers, the widest token limits and the dearest prices of its deployments. */
  private JsonArray groups(RoutingContext ctx, Principal principal) {
    LiveModels.Snapshot snapshot = models.current();
    String wanted = ctx.request().getParam("model_group");
    Map<String, List<Deployment>> byGroup = new LinkedHashMap<>();
    for (Deployment deployment : snapshot.registry().deployments()) {
      if (principal.allows(deployment.modelGroup()) && (wanted == null || wanted.equals(deployment.modelGroup()))) {
        byGroup.computeIfAbsent(deployment.modelGroup(), group -> new ArrayList<>()).add(deployment);
      }
    }
    JsonArray data = new JsonArray();
    byGroup.forEach((group, deployments) -> {
      JsonArray providers = new JsonArray();
      Integer maxInput = null;
      Integer maxOutput = null;
      double input = 0;
      double output = 0;
      Integer rpm = 0;
      Integer tpm = 0;
      for (Deployment deployment : deployments) {
        Price price = snapshot.price(deployment);
        if (!providers.contains(deployment.provider().prefix())) {
          providers.add(deployment.provider().prefix());
        }
        maxInput = wider(maxInput, price.maxInput());
        maxOutput = wider(maxOutput, price.maxOutput());
        input = Math.max(input, price.input());
        output = Math.max(output, price.output());
        rpm = rpm == null || deployment.rpm() == null ? null : rpm + deployment.rpm();
        tpm = tpm == null || deployment.tpm() == null ? null : tpm + deployment.tpm();
      }
      data.add(new JsonObject().put("model_group", group).put("providers", providers)
          .put("max_input_tokens", maxInput).put("max_output_tokens", maxOutput)
          .put("input_cost_per_token", input).put("output_cost_per_token", output)
          .put("mode", deployments.get(0).info().mode() == null ? "chat" : deployments.get(0).info().mode())
          .put("tpm", tpm).put("rpm", rpm).put("supports_function_calling", null)
          .put("supports_vision", null).put("supports_parallel_function_calling", null));
    });
    return data;
  }

  private static JsonObject params(Deployment deployment) {
    JsonObject params = new JsonObject().put("model", deployment.provider().prefix() + "/" + deployment.upstreamModel());
    if (deployment.apiBase().isSet()) {
      params.put("api_base", deployment.apiBase().value());
    }
    if (deployment.apiVersion().isSet()) {
      params.put("api_version", deployment.apiVersion().value());
    }
    return params.put("rpm", deployment.rpm()).put("tpm", deployment.tpm())
        .put("max_parallel_requests", deployment.maxParallelRequests())
        .put("tags", new JsonArray(deployment.tags()))
        .put("order", deployment.order() == Deployment.NO_ORDER ? null : deployment.order());
  }

  /** LiteLLM's: the deployment's model_info keys as given, custom ones too, over what the price table knows. */
  private static JsonObject info(Deployment deployment, Price price) {
    JsonObject info = known(deployment, price);
    deployment.info().custom().forEach((key, value) -> {
      if (!"id".equals(key) && !"db_model".equals(key)) {
        info.put(key, value);
      }
    });
    return info;
  }

  private static JsonObject known(Deployment deployment, Price price) {
    return new JsonObject().put("id", deployment.id()).put("db_model", deployment.info().dbModel())
        .put("key", deployment.upstreamModel()).put("litellm_provider", deployment.provider().prefix())
        .put("mode", deployment.info().mode() == null ? "chat" : deployment.info().mode())
        .put("input_cost_per_token", price.input()).put("output_cost_per_token", price.output())
        .put("cache_read_input_token_cost", price.cachedInput())
        .put("max_tokens", positive(price.maxOutput())).put("max_input_tokens", positive(price.maxInput()))
        .put("max_output_tokens", positive(price.maxOutput()))
        .put("access_groups", new JsonArray(deployment.info().accessGroups()))
        .put("base_model", deployment.info().baseModel());
  }

  private static Integer wider(Integer soFar, int limit) {
    Integer known = positive(limit);
    return known == null ? soFar : soFar == null ? known : Math.max(soFar, known);
  }

  private static Integer positive(int limit) {
    return limit > 0 ? limit : null;
  }
}
