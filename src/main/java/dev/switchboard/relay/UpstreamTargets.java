package dev.switchboard.relay;

import io.vertx.core.http.RequestOptions;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Upstream URLs parsed once: a deployment's URL is the same on every call, and parsing it (a
 * {@code java.net.URL} per request) was a visible share of the relay's work. Each call copies the
 * parsed template, so no caller ever shares a mutable {@link RequestOptions}.
 */
final class UpstreamTargets {

  private static final int MAX_URLS = 4096;
  private static final Map<String, RequestOptions> PARSED = new ConcurrentHashMap<>();

  private UpstreamTargets() {
  }

  /** Fresh options aimed at {@code url}, the caller's to change. @throws RuntimeException when {@code url} is not an absolute http(s) URL */
  static RequestOptions of(String url) {
    RequestOptions parsed = PARSED.get(url);
    if (parsed == null) {
      parsed = new RequestOptions().setAbsoluteURI(url);
      // URLs come from the model list (and a model name in Azure's path), so this stays small;
      // cleared rather than grown should reloads ever churn through many.
      if (PARSED.size() >= MAX_URLS) {
        PARSED.clear();
      }
      PARSED.put(url, parsed);
    }
    return new RequestOptions(parsed);
  }
}
