package dev.switchboard.cache;

import dev.switchboard.admin.AdminInput;
import dev.switchboard.admin.AdminRoute;
import dev.switchboard.errors.ErrorClass;
import dev.switchboard.errors.GatewayError;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.util.List;

/**
 * LiteLLM's cache admin endpoints (master key): {@code GET /cache/ping} (writes and reads a probe
 * entry, answers the cache's parameters, 503 when the cache is off or its store does not answer),
 * {@code POST /cache/delete} with {@code {"keys": [...]}} (the {@code x-litellm-cache-key} values),
 * {@code POST /cache/flushall}. Both answer {@code {"status": "success"}}.
 */
public final class CacheRoutes {

  private static final String PROBE_KEY = "switchboard-cache-ping";

  private final ResponseCache cache;

  public CacheRoutes(ResponseCache cache) {
    this.cache = cache;
  }

  public void mount(Router router) {
    router.get("/cache/ping").handler(AdminRoute.json(ctx -> ping()));
    router.post("/cache/delete").handler(AdminRoute.json(ctx -> {
      List<String> keys = AdminInput.strings(AdminInput.body(ctx), "keys");
      if (keys.isEmpty()) {
        throw GatewayError.badRequest("keys", "Name the entries: {\"keys\": [\"<x-litellm-cache-key>\", ...]}.");
      }
      return available().compose(v -> cache.delete(keys)).map(n -> new JsonObject().put("status", "success"));
    }));
    router.post("/cache/flushall").handler(AdminRoute.json(ctx -> available().compose(v -> cache.flush())
        .map(v -> new JsonObject().put("status", "success"))));
  }

  private Future<Void> available() {
    return cache.enabled() ? Future.succeededFuture() : Future.failedFuture(off());
  }

  private Future<JsonObject> ping() {
    if (!cache.enabled()) {
      return Future.failedFuture(off());
    }
    return cache.ping()
        .compose(v -> {
          cache.store(PROBE_KEY, Buffer.buffer("{}"), 60L);
          return cache.delete(List.of(PROBE_KEY));
        })
        .map(v -> new JsonObject().put("status", "healthy").put("cache_type", cache.settings().type())
            .put("ping_response", true).put("set_cache_response", "success")
            .put("litellm_cache_params", new JsonObject().put("type", cache.settings().type())
                .put("namespace", String.valueOf(cache.settings().namespace()))
                .put("supported_call_types", new JsonArray(List.copyOf(cache.settings().callTypes())))
                .put("ttl", cache.settings().ttlSeconds()).put("mode", cache.settings().defaultOff() ? "default_off" : "default_on")))
        .recover(failure -> Future.failedFuture(GatewayError.of(ErrorClass.SERVICE_UNAVAILABLE, "cache_unhealthy",
            "Service Unhealthy: the " + cache.settings().type() + " cache does not answer (" + failure.getMessage() + ").")));
  }

  private static GatewayError off() {
    return GatewayError.of(ErrorClass.SERVICE_UNAVAILABLE, "cache_not_initialized",
        "Cache not initialized: set litellm_settings.cache: true (and cache_params) to turn response caching on.");
  }
}
