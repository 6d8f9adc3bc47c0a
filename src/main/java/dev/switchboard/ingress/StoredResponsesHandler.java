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
import io.vertx.core.Future;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.function.BiFunction;

/**
 * {@code GET /v1/responses/{id}}, {@code DELETE /v1/responses/{id}} and
 * {@code GET /v1/responses/{id}/input_items} (and the same without {@code /v1}) for the responses
 * the gateway stored: any key may call them, and sees only the responses it created. Responses of
 * OpenAI and Azure deployments are kept by the provider, not here: they are not found here.
 */
final class StoredResponsesHandler {

  private static final int DEFAULT_LIMIT = 20;
  private static final int MAX_LIMIT = 100;

  private final Bus bus;
  private final ResponseStore store;

  StoredResponsesHandler(Bus bus, ResponseStore store) {
    this.bus = bus;
    this.store = store;
  }

  void mount(Router router) {
    for (String prefix : new String[] {"/v1/responses", "/responses"}) {
      router.get(prefix + "/:id").handler(ctx -> answer(ctx, (owner, id) -> found(id, owner).map(StoredResponse::response)));
      router.get(prefix + "/:id/input_items").handler(ctx -> answer(ctx, (owner, id) -> found(id, owner)
          .map(response -> inputItems(response, ctx))));
      router.delete(prefix + "/:id").handler(ctx -> answer(ctx, (owner, id) -> store.delete(id, owner)
          .compose(deleted -> deleted ? Future.succeededFuture(new JsonObject().put("id", id)
              .put("object", "response").put("deleted", true)) : Future.failedFuture(notFound(id)))));
    }
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
    String why = store.enabled() ? "The gateway stores the responses of models it translates, for "
        + "general_settings.responses_store_ttl, and shows each only to the key that created it; responses of "
        + "OpenAI and Azure deployments are kept by the provider (read them there)."
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
