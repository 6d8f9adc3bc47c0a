package dev.switchboard.ui;

import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;

/**
 * The admin UI at {@code /ui}: static ES modules and CSS from the jar (classpath {@code ui/}), no build
 * step and nothing fetched from elsewhere, so it works air-gapped. It holds no secret and checks
 * nothing itself: the browser calls the documented admin API with the key the user signs in with.
 */
public final class UiRoutes {

  /** Scripts and styles only from the gateway itself, no inline code, no framing, calls only back to it. */
  static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; "
      + "img-src 'self' data:; connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'none'; "
      + "frame-ancestors 'none'";
  /** Short, and revalidated by Last-Modified afterwards: a new gateway version shows within minutes. */
  static final int MAX_AGE_SECONDS = 300;

  private UiRoutes() {
  }

  public static void mount(Router router) {
    router.get("/ui").handler(UiRoutes::toFolder);
    StaticHandler files = StaticHandler.create("ui").setIndexPage("index.html").setCachingEnabled(true)
        .setMaxAgeSeconds(MAX_AGE_SECONDS).setDirectoryListing(false).setIncludeHidden(false);
    router.get("/ui/*").handler(UiRoutes::secured).handler(files);
  }

  /** Relative module paths resolve against /ui/, so the bare path moves there (the route matches both). */
  private static void toFolder(RoutingContext ctx) {
    if (ctx.request().path().endsWith("/")) {
      ctx.next();
    } else {
      ctx.response().setStatusCode(302).putHeader(HttpHeaders.LOCATION, "/ui/").end();
    }
  }

  private static void secured(RoutingContext ctx) {
    ctx.response().putHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        .putHeader("X-Frame-Options", "DENY")
        .putHeader("X-Content-Type-Options", "nosniff")
        .putHeader("Referrer-Policy", "no-referrer");
    ctx.next();
  }
}
