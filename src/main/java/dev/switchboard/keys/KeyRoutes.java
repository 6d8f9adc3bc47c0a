package dev.switchboard.keys;

import dev.switchboard.admin.AdminGuard;
import dev.switchboard.admin.AdminInput;
import dev.switchboard.admin.AdminRoute;
import dev.switchboard.bus.Addresses;
import dev.switchboard.bus.Bus;
import dev.switchboard.errors.ErrorClass;
import dev.switchboard.errors.GatewayError;
import dev.switchboard.model.KeyForgotten;
import dev.switchboard.model.KeySecrets;
import dev.switchboard.model.Principal;
import dev.switchboard.model.SpendOverride;
import dev.switchboard.store.SafeText;
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
import java.util.regex.Pattern;

/**
 * LiteLLM's key-management API: generate, info, update, delete, regenerate, block, unblock, list,
 * health. A key is named by its value or by its hash (as LiteLLM takes either); keys are shown as
 * LiteLLM's key objects ({@link KeyView}), identified by their hash, and a key's value only by
 * {@code /key/generate} and {@code /key/regenerate}, once. The master key may do everything; a
 * virtual key may read its own {@code /key/info} and {@code /key/health}.
 */
public final class KeyRoutes {

  private static final Pattern HASH = Pattern.compile("[0-9a-f]{64}");

  private final Bus bus;
  private final KeyStore store;
  private final ZoneId zone;
  /** Where a key's spend set by an admin becomes the spend its budget is enforced from; set by {@link #mount}. */
  private SpendOverride spendOverride;

  public KeyRoutes(Bus bus, KeyStore store, ZoneId zone) {
    this.bus = bus;
    this.store = store;
    this.zone = zone;
  }

  /** @param spendOverride where a {@code spend} sent on generate or update becomes what the key's budget reads */
  public void mount(Router router, SpendOverride spendOverride) {
    this.spendOverride = spendOverride;
    router.post("/key/generate").handler(AdminRoute.json(this::generate));
    router.get("/key/info").handler(AdminRoute.json(this::info));
    router.post("/key/update").handler(AdminRoute.json(this::update));
    router.post("/key/delete").handler(AdminRoute.json(this::delete));
    router.post("/key/regenerate").handler(AdminRoute.json(this::regenerate));
    router.post("/key/:key/regenerate").handler(AdminRoute.json(this::regenerate));
    router.post("/key/block").handler(AdminRoute.json(ctx -> setBlocked(ctx, true)));
    router.post("/key/unblock").handler(AdminRoute.json(ctx -> setBlocked(ctx, false)));
    router.get("/key/list").handler(AdminRoute.json(this::list));
    router.post("/key/health").handler(AdminRoute.json(this::health));
    new KeyBatches(bus, store, this, zone).mount(router);
  }

  private Future<JsonObject> generate(RoutingContext ctx) {
    JsonObject body = AdminInput.body(ctx);
    KeyFields.foldGuardrails(body, true);
    Map<String, Object> columns = KeyFields.parse(body, Instant.now(), Set.of("key"));
    String key = body.getValue("key") == null ? KeySecrets.newKey() : chosenKey(body.getValue("key"));
    return teamMustExist(columns).compose(ok -> create(key, columns))
        .compose(created -> spendSet(created.getString("token_id"), columns).map(created))
        .map(created -> created.put("duration", body.getValue("duration") instanceof String duration ? duration : null));
  }

  /** A new key with these settings; its value is in the answer, once. */
  Future<JsonObject> create(Map<String, Object> columns) {
    return create(KeySecrets.newKey(), columns);
  }

  private Future<JsonObject> create(String key, Map<String, Object> columns) {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("token_hash", KeySecrets.hash(key));
    row.put("key_name", KeySecrets.displayName(key));
    row.put("created_by", KeyView.ADMIN);
    row.put("updated_by", KeyView.ADMIN);
    row.putAll(columns);
    return store.insert(row).map(created -> withValue(created, key));
  }

  /** LiteLLM's answer to generate and regenerate: the key object plus its value, once, and its hash as token_id. */
  private JsonObject withValue(KeyStore.Stored stored, String key) {
    return view(stored).put("key", key).put("token_id", stored.key().tokenHash());
  }

  private Future<JsonObject> info(RoutingContext ctx) {
    String named = ctx.request().getParam("key");
    Principal caller = ctx.get(AdminGuard.CALLER);
    if (caller != null && !caller.master()) {
      String own = caller.key().tokenHash();
      if (named != null && !named.isBlank() && !hashOf(named).equals(own)) {
        return Future.failedFuture(GatewayError.of(ErrorClass.PERMISSION_DENIED, "not_own_key",
            "A virtual key may read only its own /key/info; use the master key for others."));
      }
      return existing(store.stored(own)).map(found -> new JsonObject().put("key", named != null ? named : own)
          .put("info", view(found)));
    }
    if (named == null || named.isBlank()) {
      return Future.failedFuture(GatewayError.badRequest("key", "Pass the key to look up as ?key=sk-... (or its hash)."));
    }
    return existing(store.stored(hashOf(named))).map(found -> new JsonObject().put("key", named).put("info", view(found)));
  }

  /** LiteLLM's key health: whether the key's logging callbacks work; Switchboard keys have none of their own. */
  private Future<JsonObject> health(RoutingContext ctx) {
    return Future.succeededFuture(new JsonObject().put("key", "healthy").putNull("logging_callbacks"));
  }

  private Future<JsonObject> update(RoutingContext ctx) {
    JsonObject body = AdminInput.body(ctx);
    String named = keyParam(body);
    KeyFields.foldGuardrails(body, false);
    Map<String, Object> columns = new LinkedHashMap<>(KeyFields.parse(body, Instant.now(), Set.of("key")));
    if (!columns.isEmpty()) {
      columns.put("updated_by", KeyView.ADMIN); // updated_at is set by the update itself
    }
    return teamMustExist(columns).compose(ok -> existing(store.update(hashOf(named), columns)))
        .compose(updated -> spendSet(updated.key().tokenHash(), columns).map(updated))
        .map(updated -> forgotten(updated).put("key", named));
  }

  /**
   * LiteLLM enforces a key's budget from its spend column, so a spend an admin sets is what the
   * key's budget reads from the next request: in its budget period as enforced (its linked budget's,
   * read back as authentication folds it).
   */
  private Future<Void> spendSet(String tokenHash, Map<String, Object> columns) {
    if (!(columns.get("spend") instanceof Number spend) || spendOverride == null) {
      return Future.succeededFuture();
    }
    return store.find(tokenHash).compose(key -> key == null ? Future.succeededFuture()
        : spendOverride.set("key:" + tokenHash, key.budgetDuration(), spend.doubleValue()));
  }

  /**
   * A new value for an existing key, settings kept; the old value stops working at once, or when
   * {@code grace_period} (a duration such as "24h") ends, so clients can move over. LiteLLM's
   * two forms: {@code POST /key/regenerate {"key": ...}} and {@code POST /key/{key}/regenerate}.
   */
  private Future<JsonObject> regenerate(RoutingContext ctx) {
    String named = ctx.pathParam("key");
    JsonObject body = AdminInput.body(ctx);
    String oldHash = hashOf(named != null ? named : keyParam(body));
    Instant graceUntil = graceUntil(body);
    String key = KeySecrets.newKey();
    return existing(store.replaceSecret(oldHash, KeySecrets.hash(key), KeySecrets.displayName(key), KeyView.ADMIN,
        graceUntil))
        .map(renewed -> {
          bus.announce(Addresses.AUTH_FORGET, new KeyForgotten(oldHash).toJson());
          return withValue(renewed, key);
        });
  }

  private Future<JsonObject> setBlocked(RoutingContext ctx, boolean blocked) {
    String hash = hashOf(keyParam(AdminInput.body(ctx)));
    return existing(store.update(hash, Map.of("blocked", blocked))).map(this::forgotten);
  }

  /** LiteLLM answers with the keys (or aliases) as they were named, for those that existed. */
  private Future<JsonObject> delete(RoutingContext ctx) {
    JsonObject body = AdminInput.body(ctx);
    Map<String, String> namedByHash = new LinkedHashMap<>();
    for (String key : AdminInput.strings(body, "keys")) {
      namedByHash.put(hashOf(key), key);
    }
    List<String> aliases = AdminInput.strings(body, "key_aliases");
    if (namedByHash.isEmpty() && aliases.isEmpty()) {
      return Future.failedFuture(GatewayError.badRequest("keys", "Name the keys to delete: {\"keys\": [\"sk-...\"]} or {\"key_aliases\": [...]}."));
    }
    return store.delete(new ArrayList<>(namedByHash.keySet()), aliases).map(deleted -> {
      JsonArray names = new JsonArray();
      for (KeyStore.Deleted key : deleted) {
        bus.announce(Addresses.AUTH_FORGET, new KeyForgotten(key.tokenHash()).toJson());
        names.add(namedByHash.containsKey(key.tokenHash()) ? namedByHash.get(key.tokenHash()) : key.keyAlias());
      }
      return new JsonObject().put("deleted_keys", names);
    });
  }

  /** LiteLLM's list: the keys' hashes, or their objects with {@code return_full_object=true}; filters by team, user, alias. */
  private Future<JsonObject> list(RoutingContext ctx) {
    int page = AdminInput.positive(ctx, "page", 1);
    int size = Math.min(AdminInput.MAX_PAGE_SIZE, AdminInput.positive(ctx, "size", 10));
    boolean full = "true".equalsIgnoreCase(ctx.request().getParam("return_full_object"));
    KeyStore.ListFilter filter = new KeyStore.ListFilter(ctx.request().getParam("team_id"),
        ctx.request().getParam("user_id"), ctx.request().getParam("key_alias"));
    return store.list(filter, page, size).map(result -> {
      JsonArray keys = new JsonArray();
      result.keys().forEach(key -> keys.add(full ? view(key) : key.key().tokenHash()));
      return new JsonObject().put("keys", keys).put("total_count", result.total()).put("current_page", page)
          .put("total_pages", (result.total() + size - 1) / size);
    });
  }

  /** The key objects of a user or team, for their info answers (the newest 1,000). */
  Future<JsonArray> keysOf(KeyStore.ListFilter filter) {
    return store.list(filter, 1, 1_000).map(page -> {
      JsonArray keys = new JsonArray();
      page.keys().forEach(key -> keys.add(view(key)));
      return keys;
    });
  }

  private JsonObject view(KeyStore.Stored stored) {
    return KeyView.of(stored, zone, Instant.now());
  }

  /** Every instance drops the key from its cache, so the change holds from the next request on. */
  private JsonObject forgotten(KeyStore.Stored key) {
    bus.announce(Addresses.AUTH_FORGET, new KeyForgotten(key.key().tokenHash()).toJson());
    return view(key);
  }

  Future<Void> teamMustExist(Map<String, Object> columns) {
    if (!(columns.get("team_id") instanceof String teamId)) {
      return Future.succeededFuture();
    }
    return store.teamExists(teamId).compose(exists -> exists ? Future.<Void>succeededFuture()
        : Future.failedFuture(GatewayError.badRequest("team_id", "No team has team_id '" + SafeText.of(teamId)
            + "'; create it with /team/new first, so its limits apply to the key.")));
  }

  /** When a regenerated key's old value stops working, or null for at once. */
  private static Instant graceUntil(JsonObject body) {
    Object grace = body.getValue("grace_period");
    if (grace == null) {
      return null;
    }
    if (!(grace instanceof String text)) {
      throw GatewayError.badRequest("grace_period", "'grace_period' must be a duration such as \"24h\" or \"30m\".");
    }
    return Instant.now().plus(KeyFields.duration(text, "grace_period"));
  }

  /** A key named by its value (sk-...) or by its hash, as LiteLLM takes either. */
  static String hashOf(String named) {
    return HASH.matcher(named).matches() ? named : KeySecrets.hash(named);
  }

  /** A caller-chosen key value (LiteLLM's {@code key} on /key/generate): sk- and long enough to be a secret. */
  private static String chosenKey(Object value) {
    if (!(value instanceof String key) || !key.startsWith("sk-") || key.length() < 20 || HASH.matcher(key).matches()) {
      throw GatewayError.badRequest("key", "'key' must be a string that starts with sk- and has at least 20 characters.");
    }
    return key;
  }

  private static <T> Future<T> existing(Future<T> lookup) {
    return lookup.compose(key -> key != null ? Future.succeededFuture(key) : Future.failedFuture(AdminInput.notFound("key", "key")));
  }

  private static String keyParam(JsonObject body) {
    return AdminInput.requiredText(body, "key", "sk-...");
  }
}
