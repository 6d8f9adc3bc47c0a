package dev.switchboard.ingress;

import io.vertx.core.http.HttpServerRequest;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/** The request id: the client's {@code x-litellm-call-id} when it is sane, else a fresh random UUID. */
final class RequestIds {

  static final String HEADER = "x-litellm-call-id";
  private static final Pattern SANE = Pattern.compile("[A-Za-z0-9._:\\-]{1,128}");

  private RequestIds() {
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
