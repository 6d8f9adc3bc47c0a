package dev.switchboard.routing;

import dev.switchboard.config.ConfigProblem;
import dev.switchboard.config.DeploymentConfig;
import dev.switchboard.config.GatewayConfig;
import dev.switchboard.config.LitellmParams;
import dev.switchboard.config.StartupException;
import dev.switchboard.model.Deployment;
import dev.switchboard.provider.Providers;
import java.util.ArrayList;
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
  private final List<DisabledDeployment> disabled;
  private final Wildcards wildcards;

  private ModelRegistry(Built built, Map<String, String> aliases, Set<String> hiddenAliases) {
    this.groups = built.groups();
    this.disabled = List.copyOf(built.disabled());
    this.modelNames = List.copyOf(groups.keySet());
    this.aliases = aliases;
    // A pattern (openai/*) is no model a client can list: /v1/models names the concrete ones.
    List<String> listed = new ArrayList<>(modelNames.stream().filter(n -> !Wildcards.isPattern(n)).toList());
    this.wildcards = new Wildcards(groups.values().stream().filter(g -> Wildcards.isPattern(g.name())).toList(),
        built.configs());
    aliases.forEach((alias, target) -> {
      if (!hiddenAliases.contains(alias) && !groups.containsKey(alias) && groups.containsKey(target)) {
        listed.add(alias);
      }
    });
    this.listedNames = List.copyOf(listed);
    Map<String, Set<String>> byAccessGroup = new LinkedHashMap<>();
    groups.forEach((name, group) -> group.deployments().forEach(deployment ->
        deployment.info().accessGroups().forEach(access ->
            byAccessGroup.computeIfAbsent(access, a -> new LinkedHashSet<>()).add(name))));
    this.accessGroups = Map.copyOf(byAccessGroup);
  }

  /** The model list's groups, the entries disabled, and the problems that keep the list from serving. */
  private record Built(Map<String, ModelGroup> groups, Map<String, List<DeploymentConfig>> configs,
      List<DisabledDeployment> disabled, List<ConfigProblem> problems) {
  }

  /**
   * The registry of {@code config}'s model list. An entry whose provider is unknown is disabled
   * (see {@link #disabled()}), never fatal; any other problem of the list is, all listed in one
   * StartupException.
   */
  public static ModelRegistry from(GatewayConfig config) {
    Built built = build(config);
    List<ConfigProblem> problems = new ArrayList<>(built.problems());
    Set<String> disabledNames = new LinkedHashSet<>();
    built.disabled().forEach(d -> disabledNames.add(d.modelName()));
    Map<String, String> aliases = config.router().routing().aliases();
    aliases.forEach((alias, target) -> {
      if (!built.groups().containsKey(target) && !disabledNames.contains(target)) {
        problems.add(new ConfigProblem("router_settings.model_group_alias." + alias,
            "router_settings.model_group_alias." + alias + " points at '" + target
            + "', which is no model_name in model_list"));
      }
    });
    if (!problems.isEmpty()) {
      throw StartupException.of(problems);
    }
    return new ModelRegistry(built, aliases, config.router().routing().hiddenAliases());
  }

  /**
   * Every deployment of the model list that can be built, whatever the rest of the config says
   * (the doctor probes them).
   */
  public static List<Deployment> deployments(GatewayConfig config) {
    List<Deployment> all = new ArrayList<>();
    build(config).groups().values().forEach(group -> all.addAll(group.deployments()));
    return all;
  }

  /** The entries of {@code config}'s model list that would be disabled, whatever else is wrong with it. */
  public static List<DisabledDeployment> disabledIn(GatewayConfig config) {
    return build(config).disabled();
  }

  private static Built build(GatewayConfig config) {
    Map<String, List<DeploymentConfig>> byName = new LinkedHashMap<>();
    List<DisabledDeployment> disabled = new ArrayList<>();
    for (DeploymentConfig entry : config.modelList()) {
      String setting = "model_list[" + entry.position() + "].litellm_params.model";
      String unsupported = Providers.unsupported(entry.params().model());
      if (unsupported != null) {
        String model = entry.params().model();
        disabled.add(new DisabledDeployment(entry.modelName(), setting, model, model.substring(0, model.indexOf('/')),
            unsupported));
        continue;
      }
      byName.computeIfAbsent(entry.modelName(), n -> new ArrayList<>()).add(entry);
    }
    DeploymentBuilder builder = new DeploymentBuilder(config);
    List<ConfigProblem> problems = new ArrayList<>();
    Map<String, ModelGroup> groups = new LinkedHashMap<>();
    byName.forEach((name, entries) -> {
      ToDoubleFunction<LitellmParams> weight = DeploymentBuilder.weighting(entries);
      List<Deployment> deployments = new ArrayList<>(entries.size());
      for (DeploymentConfig entry : entries) {
        try {
          deployments.add(builder.build(entry, weight));
        } catch (StartupException e) {
          problems.add(new ConfigProblem("model_list[" + entry.position() + "]", e.getMessage()));
        }
      }
      if (!deployments.isEmpty()) {
        groups.put(name, new ModelGroup(name, deployments));
      }
    });
    return new Built(groups, byName, disabled, problems);
  }

  /** The entries kept out of routing because their provider is unknown or not yet supported, in config order. */
  public List<DisabledDeployment> disabled() {
    return disabled;
  }

  /**
   * Why {@code name} cannot be served when it names only disabled entries (directly or through an
   * alias): the first of them; null otherwise.
   */
  public DisabledDeployment disabled(String name) {
    if (groups.containsKey(name) || disabled.isEmpty()) {
      return null;
    }
    String target = aliases.getOrDefault(name, name);
    if (groups.containsKey(target)) {
      return null;
    }
    for (DisabledDeployment d : disabled) {
      if (d.modelName().equals(target)) {
        return d;
      }
    }
    return null;
  }

  public ModelGroup group(String modelName) {
    return groups.get(modelName);
  }

  /**
   * The group a name asks for: a model_name, a {@code model_group_alias} of one, or else the most
   * specific wildcard pattern matching it, its deployments calling the requested model.
   */
  public ModelGroup resolve(String name) {
    ModelGroup group = groups.get(name);
    if (group != null) {
      return group;
    }
    String target = aliases.get(name);
    return target != null ? groups.get(target) : wildcards.resolve(name);
  }

  /** A wildcard model_name matches {@code name}: a name it could not serve is a bad provider, not an unknown model. */
  public boolean wildcardMatches(String name) {
    return wildcards.matches(name);
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
