package dev.switchboard.keys;

import dev.switchboard.model.KeySecrets;
import dev.switchboard.admin.AdminInput;
import dev.switchboard.admin.AdminRoute;
import dev.switchboard.model.VirtualKey;
import dev.switchboard.model.KeyForgotten;
import dev.switchboard.bus.Addresses;
import dev.switchboard.bus.Bus;
import dev.switchboard.errors.GatewayError;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * LiteLLM's key-management API, master key only: generate, info, update, delete, regenerate,
 * block, unblock, list. A key is named by its value in requests; responses never carry a key's hash,
 * and only {@code /key/generate} ever shows a key's value, once.
 */
public final class KeyRoutes {

  private final Bus bus;
  private final KeyStore store;

  public KeyRoutes(Bus bus, KeyStore store) {
    this.bus = bus;
    this.store = store;
  }

  public void mount(Router router) {
    router.post("/key/generate").handler(AdminRoute.json(this::generate));
    router.get("/key/info").handler(AdminRoute.json(this::info));
    router.post("/key/update").handler(AdminRoute.json(this::update));
    router.post("/key/delete").handler(AdminRoute.json(this::delete));
    router.post("/key/regenerate").handler(AdminRoute.json(this::regenerate));
    router.post("/key/:key/regenerate").handler(AdminRoute.json(this::regenerate));
    router.post("/key/block").handler(AdminRoute.json(ctx -> setBlocked(ctx, true)));
    router.post("/key/unblock").handler(AdminRoute.json(ctx -> setBlocked(ctx, false)));
    router.get("/key/list").handler(AdminRoute.json(this::list));
  }

  private Future<JsonObject> generate(RoutingContext ctx) {
    return create(KeyFields.parse(AdminInput.body(ctx), Instant.now()));
  }

  /** A new key with these settings; its value is in the answer, once. */
  Future<JsonObject> create(Map<String, Object> columns) {
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
    JsonObject body = AdminInput.body(ctx);
    String hash = KeySecrets.hash(keyParam(body));
    Map<String, Object> columns = KeyFields.parse(body, Instant.now());
    return existing(store.update(hash, columns)).map(updated -> forgotten(updated).toJson());
  }

  /** A new value for an existing key, settings kept; the old value stops working at once. */
  /** LiteLLM's two forms: {@code POST /key/regenerate {"key": ...}} and {@code POST /key/{key}/regenerate}. */
  private Future<JsonObject> regenerate(RoutingContext ctx) {
    String named = ctx.pathParam("key");
    String oldHash = KeySecrets.hash(named != null ? named : keyParam(AdminInput.body(ctx)));
    String key = KeySecrets.newKey();
    return existing(store.replaceSecret(oldHash, KeySecrets.hash(key), KeySecrets.displayName(key)))
        .map(renewed -> {
          bus.announce(Addresses.AUTH_FORGET, new KeyForgotten(oldHash).toJson());
          return renewed.toJson().put("key", key);
        });
  }

  private Future<JsonObject> setBlocked(RoutingContext ctx, boolean blocked) {
    String hash = KeySecrets.hash(keyParam(AdminInput.body(ctx)));
    return existing(store.update(hash, Map.of("blocked", blocked))).map(updated -> forgotten(updated).toJson());
  }

  private Future<JsonObject> delete(RoutingContext ctx) {
    JsonObject body = AdminInput.body(ctx);
    List<String> hashes = new ArrayList<>();
    for (String key : AdminInput.strings(body, "keys")) {
      hashes.add(KeySecrets.hash(key));
    }
    List<String> aliases = AdminInput.strings(body, "key_aliases");
    if (hashes.isEmpty() && aliases.isEmpty()) {
      return Future.failedFuture(GatewayError.badRequest("keys", "Name the keys to delete: {\"keys\": [\"sk-...\"]} or {\"key_aliases\": [...]}."));
    }
    return store.delete(hashes, aliases).map(deleted -> {
      JsonArray names = new JsonArray();
      for (KeyStore.Deleted key : deleted) {
        bus.announce(Addresses.AUTH_FORGET, new KeyForgotten(key.tokenHash()).toJson());
        names.add(key.keyName());
      }
      return new JsonObject().put("deleted_keys", names);
    });
  }

  private Future<JsonObject> list(RoutingContext ctx) {
    int page = AdminInput.positive(ctx, "page", 1);
    int size = Math.min(AdminInput.MAX_PAGE_SIZE, AdminInput.positive(ctx, "size", 10));
    return store.list(page, size).map(result -> {
      JsonArray keys = new JsonArray();
      result.keys().forEach(key -> keys.add(key.toJson()));
      return new JsonObject().put("keys", keys).put("total_count", result.total()).put("current_page", page)
          .put("total_pages", (result.total() + size - 1) / size);
    });
  }

  /** Every instance drops the key from its cache, so the change holds from the next request on. */
  private VirtualKey forgotten(VirtualKey key) {
    bus.announce(Addresses.AUTH_FORGET, new KeyForgotten(key.tokenHash()).toJson());
    return key;
  }

  private static Future<VirtualKey> existing(Future<VirtualKey> lookup) {
    return lookup.compose(key -> key != null ? Future.succeededFuture(key) : Future.failedFuture(AdminInput.notFound("key", "key")));
  }

  private static String keyParam(JsonObject body) {
    return AdminInput.requiredText(body, "key", "sk-...");
  }

}
