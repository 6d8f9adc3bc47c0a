package dev.switchboard.ingress;

import dev.switchboard.errors.GatewayError;
import dev.switchboard.model.CallBody;
import dev.switchboard.model.Deployment;
import dev.switchboard.model.Operation;
import dev.switchboard.model.Principal;
import dev.switchboard.model.RelayResult;
import dev.switchboard.pipeline.Stage;
import dev.switchboard.responses.ResponseStore;
import dev.switchboard.responses.StoredResponse;
import dev.switchboard.routing.ModelGroup;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.UUID;

/**
 * The Responses API's {@code store} and {@code previous_response_id} for models the gateway
 * translates (every provider but OpenAI and Azure, which keep their own). Before the call, a
 * follow-up's earlier conversation (its stored input and output items, chained) goes in front of
 * its input, so it works on any provider; after a good answer, the answer is stored for the key
 * that asked, before the client hears it (a follow-up sent at once finds it).
 */
final class StoredResponsesStage implements Stage<ModelCall> {

  private final ResponseStore store;

  StoredResponsesStage(ResponseStore store) {
    this.store = store;
  }

  @Override
  public String name() {
    return "responses_store";
  }

  static String newId(String prefix) {
    return prefix + UUID.randomUUID().toString().replace("-", "");
  }

  /** Whose stored responses a caller sees: its virtual key's hash, or the master key's. */
  static String owner(Principal principal) {
    return principal.key() != null ? principal.key().tokenHash() : ResponseStore.MASTER_OWNER;
  }

  @Override
  public Future<Void> before(ModelCall request) {
    if (request.operation != Operation.RESPONSES) {
      return Future.succeededFuture();
    }
    JsonObject body = request.call.body().json();
    boolean wanted = !Boolean.FALSE.equals(body.getValue("store"));
    if (!(body.getValue("previous_response_id") instanceof String previous)) {
      keep(request, null, body.getValue("input"), wanted);
      return Future.succeededFuture();
    }
    if (!store.enabled()) {
      if (providerKeepsThem(request)) {
        return Future.succeededFuture();
      }
      return Future.failedFuture(GatewayError.badRequest("previous_response_id", "'previous_response_id' needs a "
          + "stored response, and this gateway stores none: it runs with general_settings.database_url: none. "
          + "Send the whole conversation in 'input', or give the gateway a database (remove database_url for the "
          + "embedded one)."));
    }
    return store.find(previous, owner(request.principal)).compose(found -> {
      if (found == null || found.atProvider()) {
        // Not one the gateway keeps: an OpenAI or Azure deployment may know it; for a translated model it is unknown.
        if (!providerKeepsThem(request)) {
          return Future.failedFuture(notFound(previous));
        }
        keep(request, previous, body.getValue("input"), wanted);
        return Future.succeededFuture();
      }
      // Sent: the earlier turns as every provider takes them, then this turn's input as the client sent it.
      JsonArray input = found.conversation();
      JsonArray current = currentItems(body.getValue("input"));
      current.forEach(input::add);
      JsonObject expanded = new JsonObject(new LinkedHashMap<>(body.getMap()));
      expanded.remove("previous_response_id");
      expanded.put("input", input);
      // Stored: the earlier turns as they are listed (their items and ids), then this turn's.
      JsonArray chain = found.history();
      current.forEach(chain::add);
      ModelRequest call = request.call;
      // A new body, so the budget and token estimates count the earlier turns too.
      request.call = new ModelRequest(call.operation(), new CallBody(expanded, true), call.model(), call.stream(),
          call.includeUsage());
      keep(request, previous, chain, wanted);
      return Future.succeededFuture();
    });
  }

  /** A Responses input as items, unchanged: a string becomes one user message. */
  private static JsonArray currentItems(Object input) {
    if (input instanceof JsonArray items) {
      return items;
    }
    JsonArray items = new JsonArray();
    if (input instanceof String text) {
      items.add(new JsonObject().put("role", "user").put("content", text));
    }
    return items;
  }

  private void keep(ModelCall request, String previous, Object input, boolean wanted) {
    if (store.enabled() && wanted) {
      // Whether the items are needed (a translated model) or not (OpenAI, Azure) is known once routed.
      request.responsesTurn = new ResponsesTurn(previous, input);
    }
  }

  /** Whether the model's deployments include one whose provider keeps responses (OpenAI, Azure). */
  private static boolean providerKeepsThem(ModelCall request) {
    ModelGroup group = request.models.registry().resolve(request.model());
    return group != null && group.deployments().stream().anyMatch(d -> d.provider().adapter().keepsResponses());
  }

  static GatewayError notFound(String id) {
    return GatewayError.notFound("previous_response_not_found", "previous_response_id", "No stored response with id '"
        + id + "' for this key. The gateway keeps the responses of models it translates for "
        + "general_settings.responses_store_ttl; this one expired, was deleted, was created with store: false or "
        + "by another key, or never existed.");
  }

  @Override
  public Future<Void> after(ModelCall request) {
    ResponsesTurn turn = request.responsesTurn;
    Deployment deployment = request.trace.deployment();
    if (turn == null || request.error() != null || request.result == null || deployment == null) {
      return Future.succeededFuture();
    }
    RelayResult result = request.result;
    JsonObject response = result.body() != null ? new JsonObject(result.body()) : result.streamedAnswer();
    if (response == null || !(response.getValue("id") instanceof String id)) {
      return Future.succeededFuture();
    }
    Instant now = store.now();
    Instant expires = now.plusSeconds(store.ttlSeconds());
    if (deployment.provider().adapter().keepsResponses()) {
      // The provider keeps it; recorded here is whose it is and where, for GET and DELETE.
      return store.save(StoredResponse.atProvider(id, owner(request.principal), request.model(), now, expires,
          deployment.id()));
    }
    turn.describe(response);
    if (result.body() != null) {
      request.result = new RelayResult(response.toBuffer(), result.usage(), result.firstByteNanos(), null, false,
          result.ending(), null);
    }
    JsonArray output = response.getValue("output") instanceof JsonArray items ? items : new JsonArray();
    return store.save(new StoredResponse(id, owner(request.principal), request.model(), turn.items(), output, response,
        now, expires, null));
  }
}
