package dev.switchboard.ingress;

import dev.switchboard.admin.AdminInput;
import dev.switchboard.admin.AdminRoute;
import dev.switchboard.errors.GatewayError;
import dev.switchboard.model.Deployment;
import dev.switchboard.model.Price;
import dev.switchboard.model.Usage;
import dev.switchboard.routing.CallRouter;
import dev.switchboard.routing.LiveModels;
import dev.switchboard.routing.ModelGroup;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * LiteLLM's {@code POST /spend/calculate} (master key): what a call costs at the gateway's prices,
 * {@code {"cost": USD}}. Before the call, {@code {model, messages}}: the prompt's tokens (counted
 * as {@code /utils/token_counter} counts them) at the model's input price; after it,
 * {@code {completion_response}}: its {@code usage} at the price of its {@code model}. A model is
 * priced as requests to it are: a {@code model_name} of the config by its first deployment
 * ({@code model_info} prices over the price table), else the price table's entry for the name.
 */
final class SpendCalculateHandler {

  private final CallRouter calls;

  SpendCalculateHandler(CallRouter calls) {
    this.calls = calls;
  }

  void mount(Router router) {
    router.post("/spend/calculate").handler(AdminRoute.json(this::calculate));
  }

  private Future<JsonObject> calculate(RoutingContext ctx) {
    JsonObject body = AdminInput.body(ctx);
    LiveModels.Snapshot models = calls.snapshot();
    if (body.getValue("model") != null) {
      if (!(body.getValue("model") instanceof String model) || model.isBlank()) {
        throw GatewayError.badRequest("model", "'model' must be a model name such as gpt-4o.");
      }
      if (!(body.getValue("messages") instanceof JsonArray)) {
        throw GatewayError.badRequest("messages", "Bad Request - messages must be provided if 'model' is provided");
      }
      Deployment deployment = first(models.registry().resolve(model));
      Price price = priced(models, deployment, model);
      return CountTokensHandler.local(ctx, deployment, model, body)
          .map(count -> cost(price.cost(new Usage(count.tokens(), 0, count.tokens(), 0))));
    }
    if (body.getValue("completion_response") instanceof JsonObject response) {
      String model = response.getValue("model") instanceof String named ? named : null;
      if (model == null) {
        throw GatewayError.badRequest("completion_response.model", "completion_response must name its 'model'.");
      }
      Price price = priced(models, first(models.registry().resolve(model)), model);
      return Future.succeededFuture(cost(price.cost(usage(response.getJsonObject("usage")))));
    }
    throw GatewayError.badRequest("model", "Bad Request - Either 'model' or 'completion_response' must be provided");
  }

  /** The deployment's price, else the table's for the name; a model priced nowhere is a 400 naming it. */
  private static Price priced(LiveModels.Snapshot models, Deployment deployment, String model) {
    Price price = deployment != null ? models.price(deployment) : models.book().listed(model);
    if (!price.known()) {
      throw GatewayError.badRequest("model", "No price for model '" + model + "': it is neither a priced model_name "
          + "of this gateway nor in its price table. Set model_info.input_cost_per_token and output_cost_per_token.");
    }
    return price;
  }

  private static Deployment first(ModelGroup group) {
    return group == null || group.deployments().isEmpty() ? null : group.deployments().get(0);
  }

  /** An OpenAI usage object: prompt and completion tokens, cached prompt tokens at their price. */
  private static Usage usage(JsonObject usage) {
    if (usage == null) {
      return Usage.NONE;
    }
    long prompt = usage.getLong("prompt_tokens", 0L);
    long completion = usage.getLong("completion_tokens", 0L);
    JsonObject details = usage.getJsonObject("prompt_tokens_details");
    long cached = details == null ? 0 : details.getLong("cached_tokens", 0L);
    return new Usage(prompt, completion, prompt + completion, cached);
  }

  private static JsonObject cost(double usd) {
    return new JsonObject().put("cost", usd);
  }
}
