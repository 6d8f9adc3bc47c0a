package dev.switchboard.routing;

import dev.switchboard.config.DeploymentConfig;
import dev.switchboard.config.EnvValue;
import dev.switchboard.config.GatewayConfig;
import dev.switchboard.config.LitellmParams;
import dev.switchboard.config.StartupException;
import dev.switchboard.model.Deployment;
import dev.switchboard.provider.Providers;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/** The model groups of {@code model_list}, resolved once at start-up and read-only afterwards. */
public final class ModelRegistry {

  /** LiteLLM's name for "every model of the gateway" in a key's models. */
  public static final String ALL_PROXY_MODELS = "all-proxy-models";

  private final Map<String, ModelGroup> groups;
  private final List<String> modelNames;
  private final Map<String, Set<String>> accessGroups;
  private final Map<String, String> aliases;
  private final List<String> listedNames;

  private ModelRegistry(Map<String, ModelGroup> groups, Map<String, String> aliases, Set<String> hiddenAliases) {
    this.groups = groups;
    this.modelNames = List.copyOf(groups.keySet());
    this.aliases = aliases;
    List<String> listed = new ArrayList<>(modelNames);
    aliases.keySet().stream().filter(alias -> !hiddenAliases.contains(alias) && !groups.containsKey(alias))
        .forEach(listed::add);
    this.listedNames = List.copyOf(listed);
    Map<String, Set<String>> byAccessGroup = new LinkedHashMap<>();
    groups.forEach((name, group) -> group.deployments().forEach(deployment ->
        deployment.info().accessGroups().forEach(access ->
            byAccessGroup.computeIfAbsent(access, a -> new LinkedHashSet<>()).add(name))));
    this.accessGroups = Map.copyOf(byAccessGroup);
  }

  public static ModelRegistry from(GatewayConfig config) {
    Map<String, ModelGroup> groups = groups(config);
    Map<String, String> aliases = config.router().routing().aliases();
    aliases.forEach((alias, target) -> {
      if (!groups.containsKey(target)) {
        throw new StartupException("router_settings.model_group_alias." + alias + " points at '" + target
            + "', which is no model_name in model_list");
      }
    });
    return new ModelRegistry(groups, aliases, config.router().routing().hiddenAliases());
  }

  /** Every deployment of the model list, whatever the rest of the config says (the doctor probes them). */
  public static List<Deployment> deployments(GatewayConfig config) {
    List<Deployment> all = new ArrayList<>();
    groups(config).values().forEach(group -> all.addAll(group.deployments()));
    return all;
  }

  private static Map<String, ModelGroup> groups(GatewayConfig config) {
    Map<String, List<DeploymentConfig>> byName = new LinkedHashMap<>();
    Map<DeploymentConfig, Integer> positions = new java.util.IdentityHashMap<>();
    List<DeploymentConfig> list = config.modelList();
    for (int i = 0; i < list.size(); i++) {
      byName.computeIfAbsent(list.get(i).modelName(), n -> new ArrayList<>()).add(list.get(i));
      positions.put(list.get(i), i);
    }
    long defaultTimeoutMs = seconds(config.litellm().requestTimeout());
    boolean defaultDropParams = config.litellm().dropParams();
    Map<String, ModelGroup> groups = new LinkedHashMap<>();
    byName.forEach((name, entries) -> {
      ToDoubleFunction<LitellmParams> weight = weighting(entries);
      List<Deployment> deployments = new ArrayList<>(entries.size());
      for (DeploymentConfig entry : entries) {
        deployments.add(deployment(entry, positions.get(entry), weight, defaultTimeoutMs, defaultDropParams,
            config.router().routing().streamTimeoutSeconds()));
      }
      groups.put(name, new ModelGroup(name, deployments));
    });
    return groups;
  }

  /**
   * LiteLLM's simple-shuffle: by {@code weight} when any deployment of the group has one, else by
   * {@code rpm} or {@code tpm} when every deployment has it, else evenly.
   */
  private static ToDoubleFunction<LitellmParams> weighting(List<DeploymentConfig> entries) {
    if (entries.stream().anyMatch(e -> e.params().weight() != null)) {
      return p -> p.weight() == null ? 1 : p.weight();
    }
    if (entries.stream().allMatch(e -> e.params().rpm() != null)) {
      return p -> p.rpm();
    }
    if (entries.stream().allMatch(e -> e.params().tpm() != null)) {
      return p -> p.tpm();
    }
    return p -> 1;
  }

  private static Deployment deployment(DeploymentConfig entry, int position, ToDoubleFunction<LitellmParams> weight,
      long defaultTimeoutMs, boolean defaultDropParams, Double routerStreamTimeout) {
    String where = "model_list[" + position + "].litellm_params.model";
    LitellmParams params = entry.params();
    Providers.ProviderModel resolved = Providers.resolve(params.model(), where);
    EnvValue apiBase = params.apiBase();
    if (!apiBase.isSet() && !apiBase.isMissingVariable()) {
      if (resolved.provider().defaultApiBase() == null) {
        throw new StartupException("model_list[" + position + "].litellm_params.api_base is required for "
            + resolved.provider().prefix() + " deployments (e.g. http://127.0.0.1:8000/v1)");
      }
      apiBase = EnvValue.of(resolved.provider().defaultApiBase());
    }
    if (apiBase.isSet()) {
      apiBase = EnvValue.of(stripTrailingSlash(apiBase.value()));
    }
    double w = weight.applyAsDouble(params);
    if (w < 0 || Double.isNaN(w)) {
      throw new StartupException("model_list[" + position + "].litellm_params.weight must not be negative");
    }
    long timeoutMs = params.timeout() == null ? defaultTimeoutMs : seconds(params.timeout());
    long streamTimeoutMs = params.streamTimeout() != null ? seconds(params.streamTimeout())
        : routerStreamTimeout != null ? seconds(routerStreamTimeout) : timeoutMs;
    boolean dropParams = params.dropParams() == null ? defaultDropParams : params.dropParams();
    String id = entry.info().id() != null ? entry.info().id() : derivedId(entry, position);
    return new Deployment(id, entry.modelName(), resolved.provider(), resolved.upstreamModel(), apiBase,
        params.apiKey(), params.apiVersion(), w, timeoutMs, streamTimeoutMs, dropParams, params.batch(), entry.info(),
        params.rpm(), params.tpm(), params.maxParallelRequests(),
        params.order() == null ? Deployment.NO_ORDER : params.order(), params.tags(), params.maxRetries());
  }

  private static long seconds(double seconds) {
    return Math.max(1, Math.round(seconds * 1000));
  }

  private static String stripTrailingSlash(String url) {
    String out = url.trim();
    while (out.endsWith("/")) {
      out = out.substring(0, out.length() - 1);
    }
    return out;
  }

  /** Stable across restarts and nodes for the same config; never derived from the API key. */
  private static String derivedId(DeploymentConfig entry, int position) {
    String basis = position + "|" + entry.modelName() + "|" + entry.params().model() + "|"
        + entry.params().apiBase().value();
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(basis.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  public ModelGroup group(String modelName) {
    return groups.get(modelName);
  }

  /** The group a name asks for: a model_name, or a {@code model_group_alias} of one. */
  public ModelGroup resolve(String name) {
    ModelGroup group = groups.get(name);
    if (group != null) {
      return group;
    }
    String target = aliases.get(name);
    return target == null ? null : groups.get(target);
  }

  /** Model names and visible aliases, as {@code /v1/models} lists them. */
  public List<String> listedNames() {
    return listedNames;
  }

  /**
   * The model names a key's {@code models} list grants: model names as they are, access groups
   * ({@code model_info.access_groups}) as their models, {@code all-proxy-models} as every model
   * (then null: no limit). Unknown names grant nothing.
   */
  public Set<String> expand(List<String> granted) {
    if (granted.isEmpty() || granted.contains(ALL_PROXY_MODELS)) {
      return null;
    }
    Set<String> models = new LinkedHashSet<>();
    for (String name : granted) {
      if (groups.containsKey(name)) {
        models.add(name);
      }
      models.addAll(accessGroups.getOrDefault(name, Set.of()));
    }
    return Set.copyOf(models);
  }

  /** Model names in config order. */
  public List<String> modelNames() {
    return modelNames;
  }

  /** Every deployment of every group, in config order. */
  public List<Deployment> deployments() {
    return groups.values().stream().flatMap(g -> g.deployments().stream()).toList();
  }

  public int deploymentCount() {
    return groups.values().stream().mapToInt(g -> g.deployments().size()).sum();
  }
}
