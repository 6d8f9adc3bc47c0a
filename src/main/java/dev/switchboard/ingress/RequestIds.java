package dev.switchboard.ingress;

import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * The request id: the client's {@code x-litellm-call-id} when it is sane, else a fresh random
 * UUID. Every request gets one as it arrives ({@link #assign}), echoed in the response header and
 * found again by the handlers with {@link #of(RoutingContext)}.
 */
final class RequestIds {

  static final String HEADER = "x-litellm-call-id";
  private static final String KEY = "switchboard.request_id";
  private static final Pattern SANE = Pattern.compile("[A-Za-z0-9._:\\-]{1,128}");

  private RequestIds() {
  }

  /** The first handler of every route: gives the request its id. */
  static void assign(RoutingContext ctx) {
    String id = of(ctx.request());
    ctx.put(KEY, id);
    ctx.response().putHeader(HEADER, id);
    ctx.next();
  }

  static String of(RoutingContext ctx) {
    String id = ctx.get(KEY);
    return id != null ? id : of(ctx.request());
  }

  static String of(HttpServerRequest request) {
    String given = request.getHeader(HEADER);
    if (given != null && SANE.matcher(given).matches()) {
      return given;
    }
    // Not a secret: ThreadLocalRandom avoids SecureRandom's cost on the hot path.
    ThreadLocalRandom random = ThreadLocalRandom.current();
    return new java.util.UUID(
        (random.nextLong() & ~0xF000L) | 0x4000L,
        (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L).toString();
  }
}
