package dev.switchboard.keys;

import dev.switchboard.model.AuthCheck;
import dev.switchboard.model.Credentials;
import dev.switchboard.model.Principal;
import dev.switchboard.bus.Addresses;
import dev.switchboard.bus.Bus;
import dev.switchboard.errors.ErrorResponses;
import dev.switchboard.errors.ErrorClass;
import dev.switchboard.errors.GatewayError;
import dev.switchboard.store.SafeText;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/** What every admin route shares: master key only, JSON in, JSON (or an OpenAI-shaped error) out. */
public final class Admin {

  private static final Logger LOG = Logger.getLogger(Admin.class.getName());
  static final int MAX_PAGE_SIZE = 100;

  private Admin() {
  }

  /** Runs {@code action} for the master key only, and writes its JSON answer or its error. */
  public static Handler<RoutingContext> route(Bus bus, Function<RoutingContext, Future<?>> action) {
    return ctx -> bus.<Principal>hop(Addresses.AUTH_CHECK, new AuthCheck(Credentials.from(ctx.request().headers())))
        .compose(principal -> !principal.master() ? Future.failedFuture(notAdmin(principal)) : storable(ctx))
        .compose(storable -> action.apply(ctx))
        .onComplete(outcome -> {
          if (outcome.succeeded()) {
            Object answer = outcome.result();
            ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .end(answer instanceof JsonArray list ? list.toBuffer() : ((JsonObject) answer).toBuffer());
            return;
          }
          GatewayError error = GatewayError.of(outcome.cause());
          if (!(outcome.cause() instanceof GatewayError) && error.status() == 500) {
            LOG.log(Level.SEVERE, "Admin request " + ctx.request().path() + " failed", outcome.cause());
          }
          ErrorResponses.write(ctx.response(), error);
        });
  }

  private static GatewayError notAdmin(Principal principal) {
    String message = principal == Principal.OPEN
        ? "Key management needs general_settings.master_key, and this gateway has none: set one (sk-...) and restart."
        : "Key management needs the master key; this key is not allowed here.";
    return GatewayError.of(ErrorClass.PERMISSION_DENIED, "admin_only", message);
  }

  /**
   * Text Postgres cannot store (NUL, an unpaired surrogate: see {@link SafeText}) is refused here,
   * once for every admin route, naming the field, rather than failing in the database as a 500.
   */
  private static Future<Void> storable(RoutingContext ctx) {
    for (Map.Entry<String, String> param : ctx.queryParams()) {
      if (!SafeText.storable(param.getValue())) {
        return Future.failedFuture(unstorable(param.getKey()));
      }
    }
    if (ctx.body() != null && ctx.body().length() > 0) {
      Object json;
      try {
        json = ctx.body().asJsonObject();
      } catch (RuntimeException notAnObject) {
        return Future.succeededFuture(); // the route's own parsing says what is wrong with it
      }
      for (Map.Entry<String, Object> field : (JsonObject) json) {
        if (!SafeText.storable(field.getKey()) || !SafeText.storable(field.getValue())) {
          return Future.failedFuture(unstorable(field.getKey()));
        }
      }
    }
    return Future.succeededFuture();
  }

  private static GatewayError unstorable(String field) {
    String name = SafeText.of(field);
    return GatewayError.badRequest(name, "'" + name + "' contains a NUL character (\\u0000) or an unpaired UTF-16 "
        + "surrogate, which cannot be stored; remove it.");
  }

  static JsonObject body(RoutingContext ctx) {
    if (ctx.body() == null || ctx.body().length() == 0) {
      return new JsonObject();
    }
    try {
      return ctx.body().asJsonObject();
    } catch (RuntimeException e) {
      throw GatewayError.badRequest(null, "The request body is not a valid JSON object.");
    }
  }

  static String requiredText(JsonObject body, String field, String example) {
    if (!(body.getValue(field) instanceof String value) || value.isBlank()) {
      throw GatewayError.badRequest(field, "Name it: {\"" + field + "\": \"" + example + "\"}.");
    }
    return value;
  }

  static List<String> strings(JsonObject body, String field) {
    Object value = body.getValue(field);
    if (value == null) {
      return List.of();
    }
    if (!(value instanceof JsonArray list) || list.stream().anyMatch(item -> !(item instanceof String))) {
      throw GatewayError.badRequest(field, "'" + field + "' must be a list of strings.");
    }
    return list.getList();
  }

  static int positive(RoutingContext ctx, String name, int fallback) {
    String text = ctx.request().getParam(name);
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

  static GatewayError notFound(String what, String param) {
    return GatewayError.notFound(what + "_not_found", param, "No such " + what + " (it may have been deleted).");
  }
}
