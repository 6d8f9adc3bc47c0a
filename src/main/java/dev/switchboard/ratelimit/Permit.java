package dev.switchboard.ratelimit;

import dev.switchboard.errors.GatewayError;
import java.util.List;
import java.util.Map;

/**
 * The answer to {@code ratelimit.acquire}: granted (then released once with {@code ratelimit.release})
 * or denied with a 429. Either way {@link #headers()} are the {@code x-ratelimit-*} headers the
 * response carries.
 *
 * @param denial          the 429 to answer with, or null when granted
 * @param estimatedTokens the token estimate counted on admission (corrected on release)
 * @param scopes          what was counted (for the release)
 * @param window          the minute window the request was counted in
 * @param inRedis         counted in Redis (else in this gateway's memory)
 * @param proxyCounted    counted against the proxy-wide parallel limit
 */
public record Permit(GatewayError denial, Map<String, String> headers, long estimatedTokens, List<Scope> scopes,
    long window, boolean inRedis, boolean proxyCounted) {

  public boolean granted() {
    return denial == null;
  }

  static Permit denied(GatewayError denial, Map<String, String> headers) {
    return new Permit(denial, headers, 0, List.of(), 0, false, false);
  }
}
