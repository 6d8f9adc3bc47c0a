package dev.switchboard.keys;

import dev.switchboard.auth.AuthCheck;
import dev.switchboard.auth.Credentials;
import dev.switchboard.auth.KeyForgotten;
import dev.switchboard.auth.Principal;
import dev.switchboard.bus.Addresses;
import dev.switchboard.bus.Bus;
import dev.switchboard.errors.ErrorResponses;
import dev.switchboard.errors.GatewayError;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * LiteLLM's key-management API, master key only: generate, info, update, delete, regenerate,
 * block, unblock, list. A key is named by its value in requests; responses never carry a key's hash,
 * and only {@code /key/generate} ever shows a key's value, once.
 */
public final class KeyRoutes {

  private static final Logger LOG = Logger.getLogger(KeyRoutes.class.getName());
  private static final int MAX_PAGE_SIZE = 100;

  private final Bus bus;
  private final KeyStore store;

  public KeyRoutes(Bus bus, KeyStore store) {
    this.bus = bus;
    this.store = store;
  }

  public void mount(Router router, BodyHandler body) {
    router.post("/key/generate").handler(body).handler(admin(this::generate));
    router.get("/key/info").handler(admin(this::info));
    router.post("/key/update").handler(body).handler(admin(this::update));
    router.post("/key/delete").handler(body).handler(admin(this::delete));
    router.post("/key/regenerate").handler(body).handler(admin(this::regenerate));
    router.post("/key/block").handler(body).handler(admin(ctx -> setBlocked(ctx, true)));
    router.post("/key/unblock").handler(body).handler(admin(ctx -> setBlocked(ctx, false)));
    router.get("/key/list").handler(admin(this::list));
  }

  /** Runs {@code action} for the master key only, and writes its JSON answer or its error. */
  private Handler<RoutingContext> admin(Function<RoutingContext, Future<JsonObject>> action) {
    return ctx -> bus.<Principal>request(Addresses.AUTH_CHECK, new AuthCheck(Credentials.from(ctx.request().headers())))
        .compose(principal -> principal.master() ? action.apply(ctx) : Future.failedFuture(notAdmin(principal)))
        .onComplete(outcome -> {
          if (outcome.succeeded()) {
            ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(outcome.result().toBuffer());
          } else {
            if (!(outcome.cause() instanceof GatewayError)) {
              LOG.log(Level.SEVERE, "Key management request " + ctx.request().path() + " failed", outcome.cause());
            }
            ErrorResponses.write(ctx.response(), GatewayError.of(outcome.cause()));
          }
        });
  }

  private static GatewayError notAdmin(Principal principal) {
    String message = principal == Principal.OPEN
        ? "Key management needs general_settings.master_key, and this gateway has none: set one (sk-...) and restart."
        : "Key management needs the master key; this key is not allowed here.";
    return new GatewayError(403, "permission_error", "admin_only", null, message, null);
  }

  private Future<JsonObject> generate(RoutingContext ctx) {
    JsonObject body = body(ctx);
    Map<String, Object> columns = KeyFields.parse(body, Instant.now());
    String key = KeySecrets.newKey();
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("token_hash", KeySecrets.hash(key));
    row.put("key_name", KeySecrets.displayName(key));
    row.putAll(columns);
    return store.insert(row).map(created -> created.toJson().put("key", key));
  }

  private Future<JsonObject> info(RoutingContext ctx) {
    String key = ctx.request().getParam("key");
    if (key == null || key.isBlank()) {
      return Future.failedFuture(GatewayError.badRequest("key", "Pass the key to look up as ?key=sk-..."));
    }
    return existing(store.find(KeySecrets.hash(key))).map(found -> new JsonObject().put("key", found.keyName()).put("info", found.toJson()));
  }

  private Future<JsonObject> update(RoutingContext ctx) {
    JsonObject body = body(ctx);
    String hash = KeySecrets.hash(keyParam(body));
    Map<String, Object> columns = KeyFields.parse(body, Instant.now());
    return existing(store.update(hash, columns)).map(updated -> forgotten(updated).toJson());
  }

  /** A new value for an existing key, settings kept; the old value stops working at once. */
  private Future<JsonObject> regenerate(RoutingContext ctx) {
    String oldHash = KeySecrets.hash(keyParam(body(ctx)));
    String key = KeySecrets.newKey();
    return existing(store.replaceSecret(oldHash, KeySecrets.hash(key), KeySecrets.displayName(key)))
        .map(renewed -> {
          bus.publish(Addresses.AUTH_FORGET, new KeyForgotten(oldHash));
          return renewed.toJson().put("key", key);
        });
  }

  private Future<JsonObject> setBlocked(RoutingContext ctx, boolean blocked) {
    String hash = KeySecrets.hash(keyParam(body(ctx)));
    return existing(store.update(hash, Map.of("blocked", blocked))).map(updated -> forgotten(updated).toJson());
  }

  private Future<JsonObject> delete(RoutingContext ctx) {
    JsonObject body = body(ctx);
    List<String> hashes = new ArrayList<>();
    for (String key : strings(body, "keys")) {
      hashes.add(KeySecrets.hash(key));
    }
    List<String> aliases = strings(body, "key_aliases");
    if (hashes.isEmpty() && aliases.isEmpty()) {
      return Future.failedFuture(GatewayError.badRequest("keys", "Name the keys to delete: {\"keys\": [\"sk-...\"]} or {\"key_aliases\": [...]}."));
    }
    return store.delete(hashes, aliases).map(deleted -> {
      JsonArray names = new JsonArray();
      for (KeyStore.Deleted key : deleted) {
        bus.publish(Addresses.AUTH_FORGET, new KeyForgotten(key.tokenHash()));
        names.add(key.keyName());
      }
      return new JsonObject().put("deleted_keys", names);
    });
  }

  private Future<JsonObject> list(RoutingContext ctx) {
    int page = positive(ctx.request().getParam("page"), 1, "page");
    int size = Math.min(MAX_PAGE_SIZE, positive(ctx.request().getParam("size"), 10, "size"));
    return store.list(page, size).map(result -> {
      JsonArray keys = new JsonArray();
      result.keys().forEach(key -> keys.add(key.toJson()));
      return new JsonObject().put("keys", keys).put("total_count", result.total()).put("current_page", page)
          .put("total_pages", (result.total() + size - 1) / size);
    });
  }

  /** Every instance drops the key from its cache, so the change holds from the next request on. */
  private VirtualKey forgotten(VirtualKey key) {
    bus.publish(Addresses.AUTH_FORGET, new KeyForgotten(key.tokenHash()));
    return key;
  }

  private static Future<VirtualKey> existing(Future<VirtualKey> lookup) {
    return lookup.compose(key -> key != null ? Future.succeededFuture(key)
        : Future.failedFuture(GatewayError.notFound("key_not_found", "key", "No such key (it may have been deleted).")));
  }

  private static JsonObject body(RoutingContext ctx) {
    if (ctx.body() == null || ctx.body().length() == 0) {
      return new JsonObject();
    }
    try {
      return ctx.body().asJsonObject();
    } catch (RuntimeException e) {
      throw GatewayError.badRequest(null, "The request body is not a valid JSON object.");
    }
  }

  private static String keyParam(JsonObject body) {
    if (!(body.getValue("key") instanceof String key) || key.isBlank()) {
      throw GatewayError.badRequest("key", "Name the key: {\"key\": \"sk-...\"}.");
    }
    return key;
  }

  private static List<String> strings(JsonObject body, String field) {
    Object value = body.getValue(field);
    if (value == null) {
      return List.of();
    }
    if (!(value instanceof JsonArray list) || list.stream().anyMatch(item -> !(item instanceof String))) {
      throw GatewayError.badRequest(field, "'" + field + "' must be a list of strings.");
    }
    return list.getList();
  }

  private static int positive(String text, int fallback, String name) {
    if (text == null) {
      return fallback;
    }
    try {
      int value = Integer.parseInt(text);
      if (value < 1) {
        throw new NumberFormatException();
      }
      return value;
    } catch (NumberFormatException e) {
      throw GatewayError.badRequest(name, "'" + name + "' must be a whole number of at least 1.");
    }
  }
}
