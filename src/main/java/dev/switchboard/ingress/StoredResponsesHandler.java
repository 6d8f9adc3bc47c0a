package dev.switchboard.ingress;

import dev.switchboard.bus.Addresses;
import dev.switchboard.bus.Bus;
import dev.switchboard.errors.ErrorResponses;
import dev.switchboard.errors.GatewayError;
import dev.switchboard.model.AuthCheck;
import dev.switchboard.model.Credentials;
import dev.switchboard.model.Principal;
import dev.switchboard.responses.ResponseStore;
import dev.switchboard.responses.StoredResponse;
import dev.switchboard.model.Deployment;
import dev.switchboard.routing.LiveModels;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.function.BiFunction;

/**
 * {@code GET /v1/responses/{id}}, {@code DELETE /v1/responses/{id}} and
 * {@code GET /v1/responses/{id}/input_items} (and the same without {@code /v1}) for the responses
 * the gateway stored: any key may call them, and sees only the responses it created. A response an
 * OpenAI or Azure deployment keeps is read or deleted at that deployment (the gateway recorded which
 * one answered it, and for which key), its answer passed back as the provider gave it.
 */
final class StoredResponsesHandler {

  private static final int DEFAULT_LIMIT = 20;
  private static final int MAX_LIMIT = 100;

  private final Bus bus;
  private final ResponseStore store;
  private final LiveModels models;
  private final ProviderResponseCall provider;

  StoredResponsesHandler(Vertx vertx, Bus bus, ResponseStore store, LiveModels models) {
    this.bus = bus;
    this.store = store;
    this.models = models;
    this.provider = new ProviderResponseCall(vertx);
  }

  void mount(Router router) {
    for (String prefix : new String[] {"/v1/responses", "/responses"}) {
      router.get(prefix + "/:id").handler(ctx -> answer(ctx, (owner, id) -> found(id, owner).compose(response ->
          response.atProvider() ? atProvider(response, HttpMethod.GET, "", null)
              : Future.succeededFuture(response.response()))));
      router.get(prefix + "/:id/input_items").handler(ctx -> answer(ctx, (owner, id) -> found(id, owner)
          .compose(response -> response.atProvider()
              ? atProvider(response, HttpMethod.GET, "/input_items", ctx.request().query())
              : Future.succeededFuture(inputItems(response, ctx)))));
      router.delete(prefix + "/:id").handler(ctx -> answer(ctx, (owner, id) -> found(id, owner).compose(response -> {
        Future<JsonObject> deleted = response.atProvider() ? atProvider(response, HttpMethod.DELETE, "", null)
            : Future.succeededFuture(new JsonObject().put("id", id).put("object", "response").put("deleted", true));
        return deleted.compose(answer -> store.delete(id, owner).compose(gone -> gone || response.atProvider()
            ? Future.succeededFuture(answer) : Future.<JsonObject>failedFuture(notFound(id))));
      })));
    }
  }

  /** The response at the deployment that answered it, if that deployment is still configured. */
  private Future<JsonObject> atProvider(StoredResponse response, HttpMethod method, String path, String query) {
    Deployment deployment = models.current().registry().deployments().stream()
        .filter(d -> d.id().equals(response.deploymentId())).findFirst().orElse(null);
    if (deployment == null) {
      return Future.failedFuture(GatewayError.notFound("response_not_found", null, "Response with id '"
          + response.id() + "' is kept by a deployment of '" + response.model() + "' that is no longer configured."));
    }
    return provider.send(deployment, method, "/" + response.id() + path, query, notFound(response.id()));
  }

  /** Authenticates the caller, then answers what {@code action} makes of its key and the id (or its error). */
  private void answer(RoutingContext ctx, BiFunction<String, String, Future<JsonObject>> action) {
    String id = ctx.pathParam("id");
    bus.<Principal>hop(Addresses.AUTH_CHECK, new AuthCheck(Credentials.from(ctx.request().headers())))
        .compose(principal -> action.apply(StoredResponsesStage.owner(principal), id))
        .onSuccess(json -> ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(json.toBuffer()))
        .onFailure(failure -> ErrorResponses.write(ctx.response(), GatewayError.of(failure)));
  }

  private Future<StoredResponse> found(String id, String owner) {
    return store.find(id, owner).compose(response -> response != null ? Future.succeededFuture(response)
        : Future.failedFuture(notFound(id)));
  }

  private GatewayError notFound(String id) {
    String why = store.enabled() ? "The gateway keeps responses (or, for OpenAI and Azure deployments, which "
        + "deployment keeps them) for general_settings.responses_store_ttl, and shows each only to the key that "
        + "created it; this one expired, was deleted, was created with store: false or by another key, or never existed."
        : "This gateway stores no responses: it runs with general_settings.database_url: none.";
    return GatewayError.notFound("response_not_found", null, "Response with id '" + id + "' not found. " + why);
  }

  /** OpenAI's list: {@code limit} (1..100, 20), {@code order} (desc by default) and the {@code after} cursor. */
  private static JsonObject inputItems(StoredResponse response, RoutingContext ctx) {
    int limit = limit(ctx.queryParams().get("limit"));
    String order = ctx.queryParams().get("order");
    if (order != null && !order.equals("asc") && !order.equals("desc")) {
      throw GatewayError.badRequest("order", "'order' must be asc or desc.");
    }
    JsonArray items = response.input().copy();
    if (!"asc".equals(order)) {
      JsonArray reversed = new JsonArray();
      for (int i = items.size() - 1; i >= 0; i--) {
        reversed.add(items.getValue(i));
      }
      items = reversed;
    }
    int start = 0;
    String after = ctx.queryParams().get("after");
    if (after != null) {
      start = items.size();
      for (int i = 0; i < items.size(); i++) {
        if (after.equals(items.getJsonObject(i).getString("id"))) {
          start = i + 1;
          break;
        }
      }
    }
    JsonArray page = new JsonArray();
    for (int i = start; i < items.size() && page.size() < limit; i++) {
      page.add(items.getValue(i));
    }
    return new JsonObject().put("object", "list").put("data", page)
        .put("first_id", page.isEmpty() ? null : page.getJsonObject(0).getString("id"))
        .put("last_id", page.isEmpty() ? null : page.getJsonObject(page.size() - 1).getString("id"))
        .put("has_more", start + page.size() < items.size());
  }

  private static int limit(String text) {
    if (text == null) {
      return DEFAULT_LIMIT;
    }
    try {
      int limit = Integer.parseInt(text.trim());
      if (limit >= 1 && limit <= MAX_LIMIT) {
        return limit;
      }
    } catch (NumberFormatException notANumber) {
      // refused below
    }
    throw GatewayError.badRequest("limit", "'limit' must be a whole number from 1 to " + MAX_LIMIT + ".");
  }
}
