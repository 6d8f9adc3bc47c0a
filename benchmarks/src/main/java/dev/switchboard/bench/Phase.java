package dev.switchboard.bench;

import static dev.switchboard.bench.Figures.percentiles;
import static dev.switchboard.bench.Figures.round;
import static dev.switchboard.bench.Figures.us;

import io.vertx.core.json.JsonObject;
import java.util.Locale;
import org.HdrHistogram.Histogram;

/** The results of one measured run against one target; {@link LoadRunner} fills them in. */
final class Phase {

  final String target;
  /** "closed", "open", "stream" or "streams" (concurrent); a stream's latency is its time to first token. */
  final String kind;
  Histogram latency;
  /** Streams only: until the end of the stream. */
  Histogram total;
  long ok;
  long errors;
  long incomplete;
  double seconds;
  double gatewayCpuS;
  double gatewayUserS;
  double gatewaySysS;
  double harnessCpuS;
  double otherCpuS;
  double stealS;
  /** Open loop only: the rate asked for, and how late the pacer woke for a send on average. */
  double targetRate;
  double meanPacerLagUs;
  String firstError;

  Phase(String target, String kind) {
    this.target = target;
    this.kind = kind;
  }

  boolean streams() {
    return kind.startsWith("stream");
  }

  boolean viaGateway() {
    return "gateway".equals(target);
  }

  double rps() {
    return seconds > 0 ? ok / seconds : 0;
  }

  double gatewayCpuUsPerRequest() {
    return perRequestUs(gatewayCpuS);
  }

  double perRequestUs(double cpuSeconds) {
    return ok > 0 && viaGateway() ? cpuSeconds * 1e6 / ok : 0;
  }

  /** Percent of one core used by other processes, and stolen by the hypervisor, during the run. */
  double otherCpuPct() {
    return 100 * otherCpuS / seconds;
  }

  double stealPct() {
    return 100 * stealS / seconds;
  }

  /** Sets the CPU figures from readings at the start and the end of the measured window. */
  void cpu(CpuTicks before, CpuTicks after) {
    double perSecond = CpuTicks.PER_SECOND;
    gatewayUserS = (after.gatewayUser() - before.gatewayUser()) / perSecond;
    gatewaySysS = (after.gatewaySys() - before.gatewaySys()) / perSecond;
    gatewayCpuS = gatewayUserS + gatewaySysS;
    harnessCpuS = (after.harnessUser() + after.harnessSys() - before.harnessUser() - before.harnessSys()) / perSecond;
    double machineBusyS = (after.machineBusy() - before.machineBusy()) / perSecond;
    otherCpuS = Math.max(0, machineBusyS - gatewayCpuS - harnessCpuS);
    stealS = (after.machineSteal() - before.machineSteal()) / perSecond;
  }

  /** One line for the progress log. */
  String summary() {
    String s = String.format(Locale.ROOT, "%d ok in %.1f s = %.0f req/s, %s p50 %.0f p99 %.0f p99.9 %.0f µs",
        ok, seconds, rps(), streams() ? "TTFT" : "latency",
        us(latency.getValueAtPercentile(50)), us(latency.getValueAtPercentile(99)),
        us(latency.getValueAtPercentile(99.9)));
    if (viaGateway()) {
      s += String.format(Locale.ROOT, ", gateway CPU %.0f%% = %.0f µs/req", 100 * gatewayCpuS / seconds,
          gatewayCpuUsPerRequest());
    }
    s += String.format(Locale.ROOT, ", harness CPU %.0f%%", 100 * harnessCpuS / seconds);
    if (otherCpuS / seconds > 0.05 || stealS / seconds > 0.05) {
      s += String.format(Locale.ROOT, " (NOISE: other processes %.0f%%, steal %.0f%% of a core)",
          otherCpuPct(), stealPct());
    }
    if (errors + incomplete > 0) {
      s += " ERRORS " + errors + " incomplete " + incomplete + " (" + firstError + ")";
    }
    return s;
  }

  JsonObject toJson() {
    JsonObject json = new JsonObject().put("ok", ok).put("errors", errors).put("incomplete", incomplete)
        .put("seconds", round(seconds, 3)).put("achieved_rps", round(rps(), 1))
        .put((streams() ? "ttft" : "latency") + "_us", percentiles(latency))
        .put("harness_cpu_pct", round(100 * harnessCpuS / seconds, 1))
        .put("other_processes_cpu_pct", round(otherCpuPct(), 1))
        .put("steal_pct", round(stealPct(), 1));
    if (total != null) {
      json.put("stream_total_us", percentiles(total));
    }
    if (targetRate > 0) {
      json.put("target_rps", targetRate).put("mean_pacer_lag_us", round(meanPacerLagUs, 1));
    }
    if (viaGateway()) {
      json.put("gateway_cpu_pct", round(100 * gatewayCpuS / seconds, 1))
          .put("gateway_cpu_us_per_request", round(gatewayCpuUsPerRequest(), 1))
          .put("gateway_user_us_per_request", round(perRequestUs(gatewayUserS), 1))
          .put("gateway_sys_us_per_request", round(perRequestUs(gatewaySysS), 1));
    }
    if (firstError != null) {
      json.put("first_error", firstError);
    }
    return json;
  }
}
