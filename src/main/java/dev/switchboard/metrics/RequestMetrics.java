package dev.switchboard.metrics;

import dev.switchboard.model.Principal;
import dev.switchboard.model.Deployment;
import dev.switchboard.spend.SpendEvent;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The per-request meters, with LiteLLM's names and labels, fed from one place: the spend stage's
 * {@link SpendEvent}, which sees every authenticated request's outcome (and {@link #rejected} for
 * the few refused before they had a caller); the per-deployment call counters come from the
 * router's attempts instead ({@link RouterMetrics#attempt}). Latencies are in seconds, in LiteLLM's buckets.
 * Labels: {@code requested_model} (a configured model name, else {@code unknown}), {@code model}
 * (the deployment's provider/model), {@code api_key_alias}, {@code team}: never a key, a hash, an
 * end user or a request id.
 */
final class RequestMetrics {

  /** LiteLLM's latency buckets, in seconds. */
  static final double[] LATENCY_BUCKETS = {0.005, 0.00625, 0.0125, 0.025, 0.05, 0.1, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0,
      3.5, 4.0, 4.5, 5.0, 5.5, 6.0, 6.5, 7.0, 7.5, 8.0, 8.5, 9.0, 9.5, 10.0, 15.0, 20.0, 25.0, 30.0, 60.0, 120.0,
      180.0, 240.0, 300.0};
  /** Finer buckets for the gateway's own time, which is well under a millisecond. */
  static final double[] OVERHEAD_BUCKETS = {0.00001, 0.000025, 0.00005, 0.000075, 0.0001, 0.00025, 0.0005, 0.00075, 0.001, 0.0025, 0.005, 0.01,
      0.025, 0.05, 0.1, 0.5, 1.0};
  static final String UNKNOWN_MODEL = "unknown";

  private record SeriesKey(String requestedModel, String model, String keyAlias, String team) {
  }

  /** Every meter of one label combination, found with one map lookup per request. */
  private final class Series {
    final Tags tags;
    final Timer total;
    final Timer api;
    final Timer ttft;
    final Timer overhead;
    final Counter input;
    final Counter output;
    final Counter tokens;
    final Counter spend;
    final Map<Integer, Counter> byStatus = new ConcurrentHashMap<>();
    final Map<String, Counter> failures = new ConcurrentHashMap<>();

    Series(SeriesKey key) {
      tags = Tags.of("requested_model", key.requestedModel(), "model", key.model(), "api_key_alias", key.keyAlias(),
          "team", key.team());
      total = latency("litellm_request_total_latency_metric", "Total time of a request through the gateway, seconds",
          LATENCY_BUCKETS);
      api = latency("litellm_llm_api_latency_metric", "Time of the provider call alone, seconds", LATENCY_BUCKETS);
      ttft = latency("litellm_llm_api_time_to_first_token_metric", "Time to the first streamed token, seconds",
          LATENCY_BUCKETS);
      overhead = latency("litellm_overhead_latency_metric",
          "Time the gateway itself added to a request (total minus provider call), seconds", OVERHEAD_BUCKETS);
      input = counter("litellm_input_tokens", "Prompt tokens");
      output = counter("litellm_output_tokens", "Completion tokens");
      tokens = counter("litellm_total_tokens", "Prompt and completion tokens");
      spend = counter("litellm_spend_metric", "Spend in USD");
    }

    private Timer latency(String name, String help, double[] buckets) {
      return Timer.builder(name).description(help).tags(tags).serviceLevelObjectives(durations(buckets))
          .register(registry);
    }

    private Counter counter(String name, String help) {
      return Counter.builder(name).description(help).tags(tags).register(registry);
    }

    Counter status(int status) {
      return byStatus.computeIfAbsent(status, code -> Counter.builder("litellm_proxy_total_requests_metric")
          .description("Requests to the gateway, by HTTP status").tags(tags)
          .tags("status_code", Integer.toString(code), "status_class", code / 100 + "xx").register(registry));
    }

    Counter failure(int status, String errorClass) {
      return failures.computeIfAbsent(status + "|" + errorClass, k -> Counter.builder("litellm_proxy_failed_requests_metric")
          .description("Requests the gateway answered with an error").tags(tags)
          .tags("exception_status", Integer.toString(status), "exception_class", errorClass).register(registry));
    }
  }

  /**
   * Micrometer's fixed-bucket histograms count whole units, so sub-second buckets need a Timer (nanoseconds
   * inside, seconds on /metrics); {@link Metrics} keeps its name free of the {@code _seconds} suffix.
   */
  static Duration[] durations(double[] seconds) {
    Duration[] out = new Duration[seconds.length];
    for (int i = 0; i < seconds.length; i++) {
      out[i] = Duration.ofNanos(Math.round(seconds[i] * 1e9));
    }
    return out;
  }

  private final MeterRegistry registry;
  private final java.util.function.Predicate<String> isModelName;
  private final LabelValues aliases;
  private final LabelValues teams;
  private final Map<SeriesKey, Series> series = new ConcurrentHashMap<>();

  /** @param isModelName whether a requested name is a model of the list in force (others count as unknown) */
  RequestMetrics(MeterRegistry registry, java.util.function.Predicate<String> isModelName, LabelValues aliases,
      LabelValues teams) {
    this.registry = registry;
    this.isModelName = isModelName;
    this.aliases = aliases;
    this.teams = teams;
  }

  /** One authenticated request's outcome. */
  void record(SpendEvent event, double cost) {
    Principal principal = event.principal();
    String alias = principal == null ? null : principal.keyAlias();
    String team = principal == null || principal.key() == null ? null : principal.key().teamId();
    Deployment deployment = event.deployment();
    Series s = series(event.model(), deployment, alias, team);
    s.status(event.status()).increment();
    boolean failed = event.status() >= 400;
    if (failed) {
      s.failure(event.status(), event.errorType() == null ? "" : event.errorType()).increment();
    }
    s.total.record(event.durationNanos(), TimeUnit.NANOSECONDS);
    if (event.providerNanos() > 0) {
      s.api.record(event.providerNanos(), TimeUnit.NANOSECONDS);
      s.overhead.record(Math.max(0, event.durationNanos() - event.providerNanos()), TimeUnit.NANOSECONDS);
    }
    if (event.stream() && event.timeToFirstByteNanos() > 0) {
      s.ttft.record(event.timeToFirstByteNanos(), TimeUnit.NANOSECONDS);
    }
    s.input.increment(event.usage().promptTokens());
    s.output.increment(event.usage().completionTokens());
    s.tokens.increment(event.usage().totalTokens());
    s.spend.increment(cost);
  }

  /** A request refused before it had an authenticated caller (bad body, missing or invalid key). */
  void rejected(String requestedModel, int status, String errorClass) {
    Series s = series(requestedModel, null, null, null);
    s.status(status).increment();
    s.failure(status, errorClass == null ? "" : errorClass).increment();
  }

  private Series series(String requestedModel, Deployment deployment, String alias, String team) {
    String requested = deployment != null ? deployment.modelGroup()
        : requestedModel != null && isModelName.test(requestedModel) ? requestedModel : UNKNOWN_MODEL;
    String model = deployment == null ? "" : deployment.provider().prefix() + "/" + deployment.upstreamModel();
    SeriesKey key = new SeriesKey(requested, model, aliases.of(alias), teams.of(team));
    Series found = series.get(key);
    return found != null ? found : series.computeIfAbsent(key, Series::new);
  }
}
