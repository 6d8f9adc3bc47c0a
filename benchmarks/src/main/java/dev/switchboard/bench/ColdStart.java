package dev.switchboard.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * (g) A gateway under saturating load from its first request, as one restarted or scaled out
 * under load is: closed-loop throughput in 2-second windows from the moment it is ready, the first
 * 10 s against the last 10 s. Runs before anything else has warmed the gateway up.
 */
final class ColdStart {

  static final double WINDOW_S = 2;

  private final long readyMs;
  private final List<Phase> windows = new ArrayList<>();

  /** @param readyMs from starting the gateway's JVM until its readiness probe answered 200 */
  ColdStart(long readyMs) {
    this.readyMs = readyMs;
  }

  static ColdStart run(LoadRunner runner, LoadClient.Target gateway, long readyMs, double seconds) throws Exception {
    ColdStart cold = new ColdStart(readyMs);
    for (int i = 0; i < Math.max(10, (int) Math.round(seconds / WINDOW_S)); i++) {
      cold.windows.add(runner.closedLoop(gateway, 0, WINDOW_S, 0));
    }
    return cold;
  }

  /** The windows from {@code from} (inclusive) to {@code to} as one run, so Phase's own figures apply. */
  private Phase joined(int from, int to) {
    Phase joined = new Phase("gateway", "closed");
    for (Phase window : windows.subList(from, to)) {
      joined.ok += window.ok;
      joined.seconds += window.seconds;
      joined.gatewayCpuS += window.gatewayCpuS;
    }
    return joined;
  }

  private double rps(int from, int to) {
    return joined(from, to).rps();
  }

  private double cpuUs(int from, int to) {
    return joined(from, to).gatewayCpuUsPerRequest();
  }

  private int perTenSeconds() {
    return (int) Math.round(10 / WINDOW_S);
  }

  double firstTenRps() {
    return rps(0, perTenSeconds());
  }

  double lastTenRps() {
    return rps(windows.size() - perTenSeconds(), windows.size());
  }

  JsonObject toJson() {
    JsonArray each = new JsonArray();
    windows.forEach(window -> each.add(Math.round(window.rps())));
    int n = perTenSeconds();
    return new JsonObject().put("ready_ms", readyMs).put("window_s", WINDOW_S).put("rps_per_window", each)
        .put("first_10s_rps", Math.round(firstTenRps())).put("last_10s_rps", Math.round(lastTenRps()))
        .put("first_10s_cpu_us_per_request", Math.round(cpuUs(0, n)))
        .put("last_10s_cpu_us_per_request", Math.round(cpuUs(windows.size() - n, windows.size())))
        .put("ratio_first_to_last", Math.round(1000 * firstTenRps() / Math.max(1, lastTenRps())) / 1000.0);
  }

  void print(StringBuilder out) {
    int n = perTenSeconds();
    out.append(String.format(Locale.ROOT, "(g) cold start: ready %d ms after the JVM started; then saturating load at once%n",
        readyMs));
    StringBuilder each = new StringBuilder();
    windows.forEach(window -> each.append(' ').append(Math.round(window.rps())));
    out.append(String.format(Locale.ROOT, "    req/s per %.0f s window:%s%n", WINDOW_S, each));
    out.append(String.format(Locale.ROOT, "    first 10 s %.0f req/s (%.0f µs CPU/req), last 10 s %.0f req/s (%.0f µs): "
        + "first/last = %.2f (target >= 0.80)%n", firstTenRps(), cpuUs(0, n), lastTenRps(),
        cpuUs(windows.size() - n, windows.size()), firstTenRps() / Math.max(1, lastTenRps())));
  }
}
