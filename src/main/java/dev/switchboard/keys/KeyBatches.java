package dev.switchboard.keys;

import dev.switchboard.admin.AdminInput;
import dev.switchboard.admin.AdminRoute;
import dev.switchboard.bus.Addresses;
import dev.switchboard.bus.Bus;
import dev.switchboard.errors.GatewayError;
import dev.switchboard.model.KeyForgotten;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * LiteLLM's key endpoints over many keys, master key only: {@code POST /key/bulk_update}
 * ({@code {keys: [{key, max_budget, team_id, tags}]}}, each applied on its own; LiteLLM's
 * BulkUpdateKeyResponse) and {@code POST /v2/key/info} ({@code {keys: [...]}} in,
 * {@code {key, info: [key objects]}} out, unknown keys left out). Keys are named by value or hash.
 */
final class KeyBatches {

  /** LiteLLM's cap on one bulk update. */
  static final int MAX_BATCH = 500;
  /** LiteLLM's BulkUpdateKeyRequestItem fields that Switchboard enforces ({@code budget_id}, {@code object_permission} are not). */
  private static final Set<String> ITEM_FIELDS = Set.of("key", "max_budget", "team_id", "tags");

  private final Bus bus;
  private final KeyStore store;
  private final KeyRoutes keys;
  private final ZoneId zone;

  KeyBatches(Bus bus, KeyStore store, KeyRoutes keys, ZoneId zone) {
    this.bus = bus;
    this.store = store;
    this.keys = keys;
    this.zone = zone;
  }

  void mount(Router router) {
    router.post("/key/bulk_update").handler(AdminRoute.json(this::bulkUpdate));
    router.post("/v2/key/info").handler(AdminRoute.json(this::info));
  }

  private Future<JsonObject> bulkUpdate(RoutingContext ctx) {
    Object listed = AdminInput.body(ctx).getValue("keys");
    if (listed != null && !(listed instanceof JsonArray)) {
      throw GatewayError.badRequest("keys", "'keys' must be a list of {\"key\": \"sk-...\", ...fields to set}.");
    }
    JsonArray items = listed == null ? new JsonArray() : (JsonArray) listed;
    if (items.isEmpty()) {
      throw GatewayError.badRequest("keys", "No keys provided for update");
    }
    if (items.size() > MAX_BATCH) {
      throw GatewayError.badRequest("keys", "Maximum " + MAX_BATCH + " keys can be updated at once. Found "
          + items.size() + " keys.");
    }
    List<JsonObject> updates = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      updates.add(item(items.getValue(i), i));
    }
    JsonArray done = new JsonArray();
    JsonArray failed = new JsonArray();
    Future<Void> chain = Future.succeededFuture();
    for (JsonObject update : updates) {
      chain = chain.compose(v -> apply(update, done, failed));
    }
    return chain.map(v -> new JsonObject().put("total_requested", items.size()).put("successful_updates", done)
        .put("failed_updates", failed));
  }

  /** One item, checked before anything is written: an object naming its key, with only fields that would be enforced. */
  private static JsonObject item(Object value, int index) {
    if (!(value instanceof JsonObject item) || !(item.getValue("key") instanceof String key) || key.isBlank()) {
      throw GatewayError.badRequest("keys[" + index + "].key", "keys[" + index + "] must be an object naming its key: "
          + "{\"key\": \"sk-...\", \"max_budget\": 10}.");
    }
    for (String field : item.fieldNames()) {
      if (!ITEM_FIELDS.contains(field)) {
        throw GatewayError.badRequest("keys[" + index + "]." + field, "'" + field + "' is not supported in "
            + "/key/bulk_update, so it would not be enforced; remove it. Supported: key, max_budget, team_id, tags.");
      }
    }
    return item;
  }

  /** Applies one item; what LiteLLM reports for it goes to {@code done} or {@code failed}, never failing the batch. */
  private Future<Void> apply(JsonObject item, JsonArray done, JsonArray failed) {
    String named = item.getString("key");
    String hash = KeyRoutes.hashOf(named);
    Map<String, Object> columns;
    try {
      if (item.getValue("max_budget") instanceof Number budget && budget.doubleValue() < 0) {
        throw GatewayError.badRequest("max_budget", "max_budget cannot be negative. Received: " + budget.doubleValue());
      }
      columns = new LinkedHashMap<>(KeyFields.parse(item, Instant.now(), Set.of("key")));
      columns.put("updated_by", KeyView.ADMIN);
    } catch (GatewayError refused) {
      return failure(named, hash, refused.getMessage(), failed);
    }
    return keys.teamMustExist(columns)
        .compose(ok -> store.update(hash, columns))
        .compose(updated -> {
          if (updated == null) {
            return failure(named, hash, "Key not found: " + named, failed);
          }
          bus.announce(Addresses.AUTH_FORGET, new KeyForgotten(hash).toJson());
          done.add(new JsonObject().put("key", named).put("key_info", withoutToken(updated)));
          return Future.<Void>succeededFuture();
        }, refused -> failure(named, hash, GatewayError.of(refused).getMessage(), failed));
  }

  /** LiteLLM's FailedKeyUpdate: the key as named, its current info when it exists, and why. */
  private Future<Void> failure(String named, String hash, String reason, JsonArray failed) {
    return store.stored(hash).otherwiseEmpty().map(existing -> {
      failed.add(new JsonObject().put("key", named).put("key_info", existing == null ? null : withoutToken(existing))
          .put("failed_reason", reason));
      return null;
    });
  }

  /** LiteLLM's {@code /v2/key/info}: the keys as sent, and the objects of those that exist. */
  private Future<JsonObject> info(RoutingContext ctx) {
    JsonObject body = AdminInput.body(ctx);
    if (!body.containsKey("keys")) {
      throw GatewayError.badRequest("keys", "Malformed request. No keys passed in.");
    }
    List<String> named = AdminInput.strings(body, "keys");
    List<String> hashes = named.stream().map(KeyRoutes::hashOf).toList();
    return store.storedAll(hashes).map(found -> {
      JsonArray info = new JsonArray();
      found.forEach(key -> info.add(KeyView.of(key, zone, Instant.now())));
      return new JsonObject().put("key", new JsonArray(named)).put("info", info);
    });
  }

  /** LiteLLM drops the hashed token from a bulk update's key_info. */
  private JsonObject withoutToken(KeyStore.Stored key) {
    JsonObject view = KeyView.of(key, zone, Instant.now());
    view.remove("token");
    return view;
  }
}
