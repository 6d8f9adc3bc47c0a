package dev.switchboard.routing;

import dev.switchboard.model.DeploymentGate;
import dev.switchboard.model.Principal;
import dev.switchboard.config.RoutingSettings;
import dev.switchboard.errors.ErrorClass;
import dev.switchboard.provider.Providers;
import dev.switchboard.errors.GatewayError;
import dev.switchboard.model.Deployment;
import dev.switchboard.model.Price;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;

/**
 * Chooses deployments; shared by every Router instance. It resolves aliases, checks the caller may
 * use the model, narrows the group by tags and prompt size, and hands the gate a {@link Selection}
 * that skips deployments in cooldown or behind an open circuit and orders the rest by the
 * strategy. Which deployments have room (rpm, tpm, parallel) is the gate's to say, and a saturated
 * group's requests wait in the gate's fair queue.
 */
public final class Router {

  static final String DEFAULT_TAG = "default";

  private final DeploymentGate gate;
  private final DeploymentStates states;

  /** Picks on the request's own snapshot (the one in force for a pick outside a request). */
  public Router(DeploymentGate gate, DeploymentStates states) {
    this.gate = gate;
    this.states = states;
  }

  public DeploymentStates states() {
    return states;
  }

  /**
   * Whether {@code model} exists and {@code principal} may use it: the 404 or 403 to answer, or null.
   * The ingress asks before the rate limiter counts the request; a pick asks again (fallbacks, reloads).
   */
  public GatewayError refusal(LiveModels.Snapshot models, String model, Principal principal) {
    ModelRegistry registry = models.registry();
    return refusal(registry, registry.resolve(model), model, principal);
  }

  /** @param group {@code model} resolved in {@code registry}, or null when it names none */
  private static GatewayError refusal(ModelRegistry registry, ModelGroup group, String model, Principal principal) {
    if (group == null) {
      return unknownModel(registry, model);
    }
    if (!principal.allows(model) && !principal.allows(group.name())) {
      return GatewayError.of(ErrorClass.PERMISSION_DENIED, "model_not_allowed", "This key may not use model '"
          + model + "'. It may use: " + String.join(", ", principal.allowedModels()) + ".").withParam("model");
    }
    return null;
  }

  /**
   * The deployment of {@code model}'s group whose tokens cost most, or null when it names none: a
   * budget reserved before routing picks must cover whichever deployment serves the request.
   */
  public Deployment dearest(LiveModels.Snapshot models, String model) {
    ModelGroup group = models.registry().resolve(model);
    Deployment dearest = null;
    double most = -1;
    for (Deployment d : group == null ? List.<Deployment>of() : group.deployments()) {
      Price price = models.price(d);
      if (price.input() + price.output() > most) {
        most = price.input() + price.output();
        dearest = d;
      }
    }
    return dearest;
  }

  public Future<Deployment> pick(PickRequest request) {
    LiveModels.Snapshot models = request.models() != null ? request.models() : states.models().current();
    ModelGroup group = models.registry().resolve(request.model());
    GatewayError denied = refusal(models.registry(), group, request.model(), request.principal());
    if (denied != null) {
      return Future.failedFuture(denied);
    }
    Selection selection;
    try {
      selection = select(models, group, request);
    } catch (GatewayError refused) {
      return Future.failedFuture(refused);
    }
    if (!selection.anyAvailable() && !(request.probeWhenDown() && selection.hastenProbes())) {
      return Future.failedFuture(noneAvailable(group, request.probeWhenDown()));
    }
    return gate.admit(selection, request.principal(), request.estimatedTokens()).compose(picked -> picked != null ? Future.succeededFuture(group.same(picked))
        : Future.failedFuture(noneAvailable(group, request.probeWhenDown())));
  }

  /** Whether a retry could go to a deployment of {@code model} other than those in {@code excluded}. */
  boolean hasAlternative(LiveModels.Snapshot models, String model, java.util.Set<String> excluded) {
    ModelGroup group = models.registry().resolve(model);
    if (group == null) {
      return false;
    }
    long now = states.now();
    for (Deployment d : group.deployments()) {
      if (!excluded.contains(d.id()) && states.available(states.state(d), now)) {
        return true;
      }
    }
    return false;
  }

  private Selection select(LiveModels.Snapshot models, ModelGroup group, PickRequest request) {
    RoutingSettings settings = models.settings();
    List<Deployment> all = group.deployments();
    List<Deployment> tagged = settings.tagFiltering() ? byTags(group, request.tags()) : all;
    List<DeploymentState> pool = new ArrayList<>(tagged.size());
    List<Price> poolPrices = new ArrayList<>(tagged.size());
    int largestWindow = 0;
    for (Deployment d : tagged) {
      Price price = models.price(d);
      int window = d.info().maxInputTokens() != null ? d.info().maxInputTokens() : price.maxInput();
      if (settings.preCallChecks() && window > 0 && request.estimatedTokens() > window) {
        largestWindow = Math.max(largestWindow, window);
        continue;
      }
      pool.add(states.state(d));
      poolPrices.add(price);
    }
    if (pool.isEmpty()) {
      throw GatewayError.of(ErrorClass.CONTEXT_WINDOW_EXCEEDED, ErrorClass.CONTEXT_LENGTH_CODE, "The prompt (about " + request.estimatedTokens() + " tokens) is larger than the context window of every "
              + "deployment of model '" + group.name() + "' (largest: " + largestWindow + " tokens; "
              + "enable_pre_call_checks). Shorten it, or configure context_window_fallbacks.").withParam("messages");
    }
    return new Selection(group, pool.toArray(DeploymentState[]::new), poolPrices.toArray(Price[]::new), states,
        models.strategy(), request.excluded(), request.stream());
  }

  /**
   * LiteLLM's tag routing: deployments sharing a tag with the request; else those tagged
   * {@code default}; a request without tags goes to the {@code default} ones when there are, else to all.
   */
  private static List<Deployment> byTags(ModelGroup group, List<String> tags) {
    List<Deployment> matching = new ArrayList<>();
    List<Deployment> defaults = new ArrayList<>();
    for (Deployment d : group.deployments()) {
      if (d.tags().contains(DEFAULT_TAG)) {
        defaults.add(d);
      }
      for (String tag : tags) {
        if (d.tags().contains(tag)) {
          matching.add(d);
          break;
        }
      }
    }
    if (!matching.isEmpty()) {
      return matching;
    }
    if (!defaults.isEmpty()) {
      return defaults;
    }
    if (tags.isEmpty()) {
      return group.deployments();
    }
    throw GatewayError.badRequest("metadata.tags", "No deployment of model '" + group.name() + "' has any of the tags "
        + tags + " (enable_tag_filtering), and none is tagged 'default'. Use a tag from its litellm_params.tags.");
  }

  /**
   * Every deployment is cooling down or behind an open circuit: when the first one comes back (or,
   * in panic mode, its next probe goes), and why.
   */
  private GatewayError noneAvailable(ModelGroup group, boolean panic) {
    long now = states.now();
    long soonestCooldown = Long.MAX_VALUE;
    long soonestProbe = Long.MAX_VALUE;
    int open = 0;
    for (Deployment d : group.deployments()) {
      DeploymentState state = states.state(d);
      if (state.coolingDown(now)) {
        soonestCooldown = Math.min(soonestCooldown, state.cooldownUntilMs());
      } else if (!state.breaker.admits(now)) {
        open++;
        soonestProbe = Math.min(soonestProbe, state.breaker.nextProbeAtMs(now, panic));
      }
    }
    if (soonestCooldown == Long.MAX_VALUE) {
      long seconds = soonestProbe == Long.MAX_VALUE ? 1 : secondsUntil(soonestProbe, now);
      return GatewayError.of(ErrorClass.SERVICE_UNAVAILABLE, "circuit_open", "No deployment of model '" + group.name() + "' is available: " + (open == 0 ? "none could be taken"
              : open + " behind an open circuit after repeated provider failures") + ". Retry in " + seconds
              + " s" + (panic ? " (the next probe)" : ", or configure fallbacks") + ".").withRetryAfter(String.valueOf(seconds));
    }
    long seconds = secondsUntil(Math.min(soonestCooldown, soonestProbe), now);
    return GatewayError.of(ErrorClass.RATE_LIMIT, "no_deployments_available", "No deployment of model '" + group.name() + "' is available: all " + group.deployments().size()
            + (open == 0 ? " are cooling down" : " are cooling down or behind an open circuit") + " after failures. "
            + "Retry in " + seconds + " s, or configure fallbacks.").withRetryAfter(String.valueOf(seconds));
  }

  private static long secondsUntil(long atMs, long nowMs) {
    return Math.max(1, (atMs - nowMs + 999) / 1000);
  }

  private static GatewayError unknownModel(ModelRegistry registry, String model) {
    DisabledDeployment disabled = registry.disabled(model);
    if (disabled != null) {
      // LiteLLM answers a provider it does not know with a 400 BadRequestError, "LLM Provider NOT provided".
      return GatewayError.of(ErrorClass.BAD_REQUEST, "unsupported_provider", "LLM Provider NOT provided: model '"
          + model + "' is configured with provider '" + disabled.provider() + "' (" + disabled.setting() + ": "
          + disabled.model() + "), which this gateway does not support, so it is disabled: " + disabled.reason()
          + ".").withParam("model");
    }
    String unsupported = Providers.unsupported(model);
    if (unsupported != null && registry.wildcardMatches(model)) {
      return GatewayError.of(ErrorClass.BAD_REQUEST, "unsupported_provider", "LLM Provider NOT provided: model '"
          + model + "' matches a wildcard route, but " + unsupported + ".").withParam("model");
    }
    String available = registry.modelNames().isEmpty()
        ? "none are configured (add entries to model_list in config.yaml)"
        : String.join(", ", registry.listedNames());
    return GatewayError.notFound("model_not_found", "model",
        "Model '" + model + "' does not exist on this gateway. Available models: " + available + ".");
  }
}
