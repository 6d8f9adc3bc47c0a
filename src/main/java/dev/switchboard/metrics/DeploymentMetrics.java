package dev.switchboard.metrics;

import dev.switchboard.routing.RouterMetrics;
import dev.switchboard.model.Deployment;
import dev.switchboard.routing.ModelGroup;
import dev.switchboard.routing.ModelRegistry;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.vertx.core.MultiMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Per-deployment meters with LiteLLM's names and labels: success and failure responses, state,
 * cooldowns, fallbacks, the provider's remaining rate limits, and Switchboard's circuit-breaker
 * state. Deployments come from config, so their labels are bounded; key aliases and teams go
 * through {@link LabelValues}.
 */
final class DeploymentMetrics implements RouterMetrics {

  private final MeterRegistry registry;
  private final LabelValues aliases;
  private final LabelValues teams;
  private final Map<String, AtomicInteger> states = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> breakers = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong[]> remaining = new ConcurrentHashMap<>();
  /** Success and total counters per deployment and (bounded) key alias and team: found once, not per call. */
  private final Map<CallLabels, Counter[]> answered = new ConcurrentHashMap<>();

  private record CallLabels(String deploymentId, String keyAlias, String team) {
  }

  DeploymentMetrics(MeterRegistry registry, ModelRegistry models, LabelValues aliases, LabelValues teams) {
    this.registry = registry;
    this.aliases = aliases;
    this.teams = teams;
    adopt(models);
  }

  /** Gauges for the deployments of a (re)loaded model list that have none yet (removed ones keep their last value). */
  synchronized void adopt(ModelRegistry models) {
    // A reloaded deployment may keep its id (model_info.id) and change its labels (api_base).
    answered.clear();
    for (String name : models.modelNames()) {
      ModelGroup group = models.group(name);
      for (Deployment deployment : group.deployments()) {
        if (states.containsKey(deployment.id())) {
          continue;
        }
        AtomicInteger state = new AtomicInteger();
        states.put(deployment.id(), state);
        Gauge.builder("litellm_deployment_state", state, AtomicInteger::get)
            .description("State of the deployment: 0 healthy, 1 partial outage, 2 complete outage")
            .tags(deploymentTags(deployment)).register(registry);
        AtomicInteger breaker = new AtomicInteger();
        breakers.put(deployment.id(), breaker);
        Gauge.builder("switchboard_circuit_breaker_state", breaker, AtomicInteger::get)
            .description("Circuit breaker of the deployment: 0 closed, 1 half-open, 2 open")
            .tags(deploymentTags(deployment)).tag("model_group", deployment.modelGroup()).register(registry);
      }
    }
  }

  /** LiteLLM's deployment labels; {@code api_base} without credentials or query. */
  static Tags deploymentTags(Deployment deployment) {
    return Tags.of("litellm_model_name", deployment.provider().prefix() + "/" + deployment.upstreamModel(),
        "model_id", deployment.id(),
        "api_base", apiBase(deployment),
        "api_provider", deployment.provider().prefix());
  }

  static String apiBase(Deployment deployment) {
    String base = deployment.apiBase().value();
    if (base == null) {
      return "";
    }
    String clean = base.replaceFirst("//[^@/]*@", "//");
    int query = clean.indexOf('?');
    return query < 0 ? clean : clean.substring(0, query);
  }

  /** The labels of a call, {@code labels} holding the bounded key alias and team. */
  private static Tags callTags(Deployment deployment, CallLabels labels) {
    return deploymentTags(deployment).and("requested_model", deployment.modelGroup(),
        "api_key_alias", labels.keyAlias(), "team", labels.team());
  }

  /** A call to {@code deployment} answered (LiteLLM's {@code litellm_deployment_success_responses}). */
  void success(Deployment deployment, String keyAlias, String team) {
    // Every answer passes here: building the labels and finding the meters in the registry cost
    // more than counting, so the pair is looked up once per label set.
    Counter[] counters = answered.computeIfAbsent(
        new CallLabels(deployment.id(), aliases.of(keyAlias), teams.of(team)), labels -> {
          Tags tags = callTags(deployment, labels);
          return new Counter[] {registry.counter("litellm_deployment_success_responses", tags),
              registry.counter("litellm_deployment_total_requests", tags)};
        });
    counters[0].increment();
    counters[1].increment();
  }

  /** A call to {@code deployment} failed with {@code status} and error type {@code errorClass}. */
  void failure(Deployment deployment, String keyAlias, String team, int status, String errorClass) {
    Tags tags = callTags(deployment, new CallLabels(deployment.id(), aliases.of(keyAlias), teams.of(team)));
    registry.counter("litellm_deployment_failure_responses",
        tags.and("exception_status", Integer.toString(status), "exception_class", errorClass == null ? "" : errorClass))
        .increment();
    registry.counter("litellm_deployment_total_requests", tags).increment();
  }

  /**
   * The provider's own {@code x-ratelimit-remaining-requests} / {@code -tokens} headers, as
   * LiteLLM's {@code litellm_remaining_requests_metric} and {@code litellm_remaining_tokens}.
   */
  void providerHeaders(Deployment deployment, MultiMap headers) {
    long requests = number(headers.get("x-ratelimit-remaining-requests"));
    long tokens = number(headers.get("x-ratelimit-remaining-tokens"));
    if (requests < 0 && tokens < 0) {
      return;
    }
    AtomicLong[] values = remaining.computeIfAbsent(deployment.id(), id -> register(deployment));
    if (requests >= 0) {
      values[0].set(requests);
    }
    if (tokens >= 0) {
      values[1].set(tokens);
    }
  }

  private AtomicLong[] register(Deployment deployment) {
    AtomicLong requests = new AtomicLong(-1);
    AtomicLong tokens = new AtomicLong(-1);
    Tags tags = deploymentTags(deployment).and("model_group", deployment.modelGroup());
    Gauge.builder("litellm_remaining_requests_metric", requests, AtomicLong::get)
        .description("x-ratelimit-remaining-requests last returned by the deployment").tags(tags).register(registry);
    Gauge.builder("litellm_remaining_tokens", tokens, AtomicLong::get)
        .description("x-ratelimit-remaining-tokens last returned by the deployment").tags(tags).register(registry);
    return new AtomicLong[] {requests, tokens};
  }

  private static long number(String header) {
    if (header == null) {
      return -1;
    }
    try {
      return Math.max(0, (long) Double.parseDouble(header.trim()));
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  @Override
  public void deploymentState(Deployment deployment, DeploymentState state) {
    AtomicInteger gauge = states.get(deployment.id());
    if (gauge != null) {
      gauge.set(state.value);
    }
  }

  @Override
  public void cooledDown(Deployment deployment, int exceptionStatus) {
    registry.counter("litellm_deployment_cooled_down",
        deploymentTags(deployment).and("exception_status", Integer.toString(exceptionStatus))).increment();
  }

  @Override
  public void fallback(String requestedModel, String fallbackModel, boolean succeeded, int exceptionStatus,
      String exceptionClass, String keyAlias, String team) {
    Counter.builder(succeeded ? "litellm_deployment_successful_fallbacks" : "litellm_deployment_failed_fallbacks")
        .tags("requested_model", requestedModel, "fallback_model", fallbackModel,
            "api_key_alias", aliases.of(keyAlias), "team", teams.of(team),
            "exception_status", Integer.toString(exceptionStatus),
            "exception_class", exceptionClass == null ? "" : exceptionClass)
        .register(registry).increment();
  }

  @Override
  public void attempt(Deployment deployment, boolean succeeded, int status, String exceptionClass, String keyAlias,
      String team) {
    if (succeeded) {
      success(deployment, keyAlias, team);
    } else {
      failure(deployment, keyAlias, team, status, exceptionClass);
    }
  }

  @Override
  public void breakerState(Deployment deployment, BreakerState state) {
    AtomicInteger gauge = breakers.get(deployment.id());
    if (gauge != null) {
      gauge.set(state.value);
    }
  }
}
