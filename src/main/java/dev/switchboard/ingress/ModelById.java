package dev.switchboard.ingress;

import dev.switchboard.errors.GatewayError;
import dev.switchboard.model.Principal;
import dev.switchboard.routing.ModelGroup;
import dev.switchboard.routing.ModelRegistry;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * The model endpoints beyond the plain list: {@code GET /v1/models/{id}} (an id may hold '/', as
 * {@code openai/gpt-4o} does, sent as it is or as %2F) and LiteLLM's
 * {@code ?return_wildcard_routes=true}, which lists the wildcard model_names ({@code openai/*}) too.
 */
final class ModelById {

  private ModelById() {
  }

  /** The id after {@code /models/}, percent-decoded ('+' is kept: it is no space in a path). */
  static String idOf(RoutingContext ctx) {
    String path = ctx.request().path();
    String raw = path.substring(path.indexOf("/models/") + "/models/".length());
    try {
      return URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException malformed) {
      return raw;
    }
  }

  /**
   * The model object for {@code id}, or null when the key may not use it or it names nothing: the
   * same filter as the list (a listed name, an alias, or a name a wildcard route serves).
   */
  static JsonObject find(ModelRegistry registry, Principal principal, String id, long created) {
    ModelGroup group = id.isEmpty() ? null : registry.resolve(id);
    if (group == null || !(principal.allows(id) || principal.allows(group.name()))) {
      return null;
    }
    return model(id, created);
  }

  /** OpenAI's 404 for a model that does not exist; said the same way for one the key may not use, so keys cannot probe. */
  static GatewayError notFound(String id) {
    return GatewayError.notFound("model_not_found", "model", "The model '" + id
        + "' does not exist or you do not have access to it. GET /v1/models lists the models this key may use.");
  }

  /** The list with the key's models and the wildcard routes it may use, as LiteLLM returns them on request. */
  static Buffer withWildcards(ModelRegistry registry, Principal principal, long created) {
    JsonArray data = new JsonArray();
    for (String name : registry.listedNames()) {
      if (principal.allows(name) || principal.allows(registry.resolve(name).name())) {
        data.add(model(name, created));
      }
    }
    for (String name : registry.modelNames()) {
      if (name.contains("*") && principal.allows(name)) {
        data.add(model(name, created));
      }
    }
    return new JsonObject().put("object", "list").put("data", data).toBuffer();
  }

  static JsonObject model(String id, long created) {
    return new JsonObject().put("id", id).put("object", "model").put("created", created).put("owned_by", "openai");
  }
}
