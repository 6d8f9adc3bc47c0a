package dev.switchboard.metrics;

import dev.switchboard.routing.RouterMetrics;
import dev.switchboard.model.Deployment;
import dev.switchboard.ratelimit.FairQueues;
import dev.switchboard.ratelimit.RateLimiter;
import dev.switchboard.routing.LiveModels;
import dev.switchboard.routing.ModelRegistry;
import dev.switchboard.spend.SpendEvent;
import dev.switchboard.spend.SpendMetrics;
import dev.switchboard.spend.SpendWriter;
import dev.switchboard.cache.ResponseCache;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;
import dev.switchboard.bus.Addresses;
import dev.switchboard.bus.Bus;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.MultiMap;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A gateway's meters, in one Prometheus registry of its own (two gateways in one JVM never share
 * one): Vert.x's HTTP server and client, pool and event-bus meters, the request and deployment
 * meters under LiteLLM's names, and Switchboard's own (rate-limit queue, spend spool, Redis).
 * Thread-safe; one per gateway.
 */
public final class Metrics implements SpendMetrics {

  /** Distinct key aliases / teams shown as labels before the rest are counted as {@code other}. */
  static final int MAX_LABEL_VALUES = 1000;
  private static final AtomicInteger REGISTRIES = new AtomicInteger();

  private final PrometheusMeterRegistry registry;
  private final String registryName = "switchboard-" + REGISTRIES.incrementAndGet();
  private final DeploymentMetrics deployments;
  private final RequestMetrics requests;
  private final Timer redisLatency;
  private final Counter redisFails;
  private final Map<String, AtomicLong> remainingBudgets = new ConcurrentHashMap<>();
  private final LabelValues aliases = new LabelValues(MAX_LABEL_VALUES);
  private final LabelValues teams = new LabelValues(MAX_LABEL_VALUES);

  public Metrics(LiveModels models) {
    this.registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    this.deployments = new DeploymentMetrics(registry, models.registry(), aliases, teams);
    this.requests = new RequestMetrics(registry, name -> models.registry().group(name) != null, aliases, teams);
    this.redisLatency = Timer.builder("litellm_redis_latency")
        .description("Latency of Redis calls (rate-limit scripts, probes), seconds")
        .serviceLevelObjectives(RequestMetrics.durations(RequestMetrics.LATENCY_BUCKETS)).register(registry);
    this.redisFails = Counter.builder("litellm_redis_fails").description("Failed Redis calls").register(registry);
  }

  /** Meters for the deployments a reloaded model list adds. */
  public void adopt(ModelRegistry models) {
    deployments.adopt(models);
  }

  /**
   * Vert.x with its pool metrics going into this registry, and its per-request HTTP server and
   * client meters when {@code httpMeters} says so.
   */
  public VertxBuilder vertxBuilder(VertxOptions options, boolean httpMeters) {
    // No event-bus meters: they looked their counters up in the registry for every message, a
    // tenth of the gateway's CPU at saturation; switchboard_stage_hops_total counts the stage hops.
    // The HTTP meters do the same for every request, so they are opt-in.
    MicrometerMetricsOptions metricsOptions = new MicrometerMetricsOptions().setEnabled(true)
        .setRegistryName(registryName).addDisabledMetricsCategory(MetricsDomain.EVENT_BUS);
    if (!httpMeters) {
      metricsOptions.addDisabledMetricsCategory(MetricsDomain.HTTP_SERVER)
          .addDisabledMetricsCategory(MetricsDomain.HTTP_CLIENT);
    }
    options.setMetricsOptions(metricsOptions);
    return io.vertx.core.Vertx.builder().with(options).withMetrics(new MicrometerMetricsFactory(registry));
  }

  /** The interface the router reports deployment health, cooldowns, fallbacks and breakers through. */
  public RouterMetrics router() {
    return deployments;
  }

  /** One request's outcome, from the spend stage. */
  @Override
  public void request(SpendEvent event, double cost) {
    requests.record(event, cost);
  }

  /** A request refused before it had an authenticated caller. */
  public void rejected(String requestedModel, int status, String errorClass) {
    requests.rejected(requestedModel, status, errorClass);
  }

  /** The provider's rate-limit headers on an answer from {@code deployment}. */
  public void providerHeaders(Deployment deployment, MultiMap headers) {
    deployments.providerHeaders(deployment, headers);
  }

  /** One Redis call took {@code nanos}, and failed or not. */
  public void redisCall(long nanos, boolean failed) {
    redisLatency.record(nanos, TimeUnit.NANOSECONDS);
    if (failed) {
      redisFails.increment();
    }
  }

  /**
   * What is left of a budget after a request: {@code holder} is {@code key} (named by its alias) or
   * {@code team} (by its id); LiteLLM's {@code litellm_remaining_api_key_budget_metric} and
   * {@code litellm_remaining_team_budget_metric}.
   */
  @Override
  public void remainingBudget(String holder, String name, double remaining) {
    boolean key = "key".equals(holder);
    String label = (key ? aliases : teams).of(name);
    AtomicLong bits = remainingBudgets.computeIfAbsent(holder + "|" + label, id -> {
      AtomicLong fresh = new AtomicLong();
      Gauge.builder(key ? "litellm_remaining_api_key_budget_metric" : "litellm_remaining_team_budget_metric", fresh,
          b -> Double.longBitsToDouble(b.get())).description("Budget left in the current period, USD")
          .tags(key ? "api_key_alias" : "team", label).register(registry);
      return fresh;
    });
    bits.set(Double.doubleToLongBits(remaining));
  }

  @Override
  public void softBudgetCrossed(String scope) {
    Counter.builder("switchboard_soft_budget_crossed").tag("scope", scope)
        .description("Soft budgets crossed (each once per budget period)").register(registry).increment();
  }

  /** Switchboard's own gauges: rate-limit queue and in-flight requests, spend spool, Redis. */
  /** LiteLLM's cache counters, and how often the cache's store failed and was bypassed. */
  public void watch(ResponseCache cache) {
    FunctionCounter.builder("litellm_cache_hits_metric", cache, ResponseCache::hits)
        .description("Requests answered from the response cache").register(registry);
    FunctionCounter.builder("litellm_cache_misses_metric", cache, ResponseCache::misses)
        .description("Cacheable requests the response cache could not answer").register(registry);
    FunctionCounter.builder("litellm_cached_tokens_metric", cache, ResponseCache::cachedTokens)
        .description("Tokens of the answers served from the response cache").register(registry);
    FunctionCounter.builder("switchboard_cache_store_errors", cache, ResponseCache::storeErrors)
        .description("Response cache reads and writes that failed and were bypassed").register(registry);
    if (cache.semantic() != null) {
      Gauge.builder("switchboard_cache_semantic_fallback", cache, c -> c.semantic().fallback() ? 1 : 0)
          .description("1 when redis-semantic found no RediSearch and keeps answers in memory per node")
          .register(registry);
    }
  }

  /** Hops to each stage, counted where every hop is made ({@link Bus#hop}). */
  public void watch(Bus bus) {
    for (String stage : Addresses.STAGES) {
      FunctionCounter.builder("switchboard_stage_hops", bus, b -> b.hops(stage)).tag("stage", stage)
          .description("Event-bus hops to a request stage").register(registry);
    }
  }

  public void watch(RateLimiter limiter, SpendWriter writer) {
    FairQueues queues = limiter.queues();
    Gauge.builder("switchboard_ratelimit_queue_depth", queues, FairQueues::queueDepth)
        .description("Requests waiting in the fair queues for a saturated model group").register(registry);
    FunctionCounter.builder("switchboard_ratelimit_queue_wait_seconds", queues, q -> q.totalWaitNanos() / 1e9)
        .description("Total time requests waited in the fair queues").register(registry);
    FunctionCounter.builder("switchboard_ratelimit_queue_served", queues, FairQueues::servedAfterWaiting)
        .description("Requests served after waiting in a fair queue").register(registry);
    Gauge.builder("switchboard_ratelimit_queue_max_wait_seconds", queues, q -> q.maxWaitNanos() / 1e9)
        .description("Longest wait in a fair queue so far").register(registry);
    FunctionCounter.builder("switchboard_ratelimit_queue_timeouts", queues, FairQueues::timedOut)
        .description("Requests refused after waiting queue_timeout").register(registry);
    FunctionCounter.builder("switchboard_ratelimit_queue_full", queues, FairQueues::rejectedQueueFull)
        .description("Requests refused because their tenant's queue was full").register(registry);
    Gauge.builder("switchboard_requests_in_flight", limiter, RateLimiter::inFlight)
        .description("Requests holding a rate-limit permit").register(registry);
    FunctionCounter.builder("switchboard_redis_fallbacks", limiter, RateLimiter::redisFallbacks)
        .description("Rate-limit decisions made in memory because Redis was unreachable").register(registry);
    Gauge.builder("switchboard_redis_available", limiter, l -> l.redisAvailable() ? 1 : 0)
        .description("1 when Redis is configured and answering").register(registry);
    if (writer != null) {
      Gauge.builder("switchboard_spend_spool_rows", writer, SpendWriter::pendingRows)
          .description("Spend rows spooled on disk, not yet in Postgres").register(registry);
      FunctionCounter.builder("switchboard_spend_rows_written", writer, SpendWriter::writtenRows)
          .description("Spend rows written to Postgres").register(registry);
      Gauge.builder("switchboard_spend_spool_oldest_seconds", writer, w -> w.oldestWaitMillis() / 1000.0)
          .description("How long the oldest spooled spend row has waited for Postgres (0 when none waits)")
          .register(registry);
      FunctionCounter.builder("switchboard_spend_rows_quarantined", writer, SpendWriter::quarantinedRows)
          .description("Spend rows Postgres refused for their content, set aside in the spool's dead-letter file")
          .register(registry);
    }
  }

  /**
   * LiteLLM's latency histograms are in seconds without a {@code _seconds} suffix, and dashboards
   * query them by those names; the Prometheus client appends the unit to every Timer's name, so it
   * is taken off again here.
   */
  private static final List<String> UNSUFFIXED = List.of("litellm_request_total_latency_metric",
      "litellm_llm_api_latency_metric", "litellm_llm_api_time_to_first_token_metric", "litellm_overhead_latency_metric",
      "litellm_redis_latency");

  /** Everything, in the Prometheus text format. */
  public String scrape() {
    String text = registry.scrape();
    for (String name : UNSUFFIXED) {
      text = text.replace(name + "_seconds", name);
    }
    return text;
  }

  public MeterRegistry registry() {
    return registry;
  }
}
