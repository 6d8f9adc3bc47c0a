package dev.switchboard.admin;

import dev.switchboard.bus.Addresses;
import dev.switchboard.bus.Bus;
import dev.switchboard.errors.ErrorClass;
import dev.switchboard.errors.ErrorResponses;
import dev.switchboard.errors.GatewayError;
import dev.switchboard.log.Redactor;
import dev.switchboard.model.AuthCheck;
import dev.switchboard.model.Credentials;
import dev.switchboard.model.Principal;
import dev.switchboard.store.SafeText;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The one master-key check of the admin API, mounted by path prefix in front of every admin route
 * (the routes themselves check nothing). It also refuses, once for all of them, input Postgres
 * cannot store (NUL, an unpaired surrogate: see {@link SafeText}), naming the field.
 */
public final class AdminGuard implements Handler<RoutingContext> {

  /** Key, user, team and model management, spend, routing state, reload: the master key only. */
  public static final List<String> ADMIN_PATHS = List.of("/key/*", "/user/*", "/team/*", "/spend/*",
      "/global/spend*", "/router/*", "/health", "/config/*",
      "/model/new", "/model/update", "/model/delete", "/model/:model_id/update",
      "/customer/*", "/end_user/*", "/organization/*", "/budget/*", "/v2/key/*");
  /** Diagnostics: the master key when the gateway has one; open along with an open gateway. */
  public static final List<String> DIAGNOSTIC_PATHS = List.of("/health/doctor");
  public static final List<String> METRICS_PATHS = List.of("/metrics", "/metrics/");
  /** Admin paths a virtual key may call about itself, as LiteLLM lets it (the route checks it is itself). */
  public static final Set<String> SELF_SERVICE = Set.of("/key/info", "/key/health", "/user/daily/activity");
  /** Where the guard leaves the caller's {@link Principal} for the route. */
  public static final String CALLER = "switchboard.admin.caller";

  private final Bus bus;
  private final boolean openWithGateway;

  private AdminGuard(Bus bus, boolean openWithGateway) {
    this.bus = bus;
    this.openWithGateway = openWithGateway;
  }

  /**
   * Guards every admin path, before any route is mounted on it; admin bodies are read here (up to
   * {@code body}'s limit), so the routes need no body handler of their own.
   *
   * @param metrics whether {@code /metrics} needs the master key ({@code litellm_settings.require_auth_for_metrics_endpoint})
   */
  public static void mount(Router router, Bus bus, BodyHandler body, boolean metrics) {
    AdminGuard admin = new AdminGuard(bus, false);
    for (String path : ADMIN_PATHS) {
      router.route(path).handler(body).handler(admin);
    }
    AdminGuard diagnostics = new AdminGuard(bus, true);
    for (String path : DIAGNOSTIC_PATHS) {
      router.route(path).handler(diagnostics);
    }
    if (metrics) {
      for (String path : METRICS_PATHS) {
        router.route(path).handler(diagnostics);
      }
    }
  }

  @Override
  public void handle(RoutingContext ctx) {
    bus.<Principal>hop(Addresses.AUTH_CHECK, new AuthCheck(Credentials.from(ctx.request().headers())))
        .compose(principal -> {
          ctx.put(CALLER, principal);
          return allowed(principal, ctx) ? storable(ctx) : Future.failedFuture(refusal(ctx, principal));
        })
        .onSuccess(allowed -> ctx.next())
        .onFailure(refused -> ErrorResponses.write(ctx.response(), GatewayError.of(refused)));
  }

  private boolean allowed(Principal principal, RoutingContext ctx) {
    return principal.master() || openWithGateway && principal == Principal.OPEN
        || principal.key() != null && SELF_SERVICE.contains(ctx.request().path());
  }

  private static GatewayError refusal(RoutingContext ctx, Principal principal) {
    String path = Redactor.redact(ctx.request().path()); // /key/sk-.../regenerate holds a secret
    String message = principal == Principal.OPEN
        ? path + " needs general_settings.master_key, and this gateway has none: set one (sk-...) and restart."
        : path + " needs the master key (general_settings.master_key); this key is not allowed here.";
    return GatewayError.of(ErrorClass.PERMISSION_DENIED, "master_key_required", message);
  }

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
}
