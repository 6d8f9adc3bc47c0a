package dev.switchboard.routing;

import dev.switchboard.config.DeploymentConfig;
import dev.switchboard.model.Deployment;
import dev.switchboard.provider.Providers;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * LiteLLM's wildcard routing: a {@code model_name} with {@code *} ({@code openai/*}, {@code *})
 * serves every requested name it matches, each deployment called with the requested model put in
 * place of the {@code *} of its {@code litellm_params.model} ({@code openai/*} → {@code
 * openai/gpt-4o}; a bare {@code *} passes the requested {@code provider/model} through). The most
 * specific pattern wins (most literal characters, then fewest stars, then config order); exact
 * names and aliases are looked up before any pattern. A substituted deployment keeps its id, so
 * its health, cooldowns and limits are those of the configured wildcard deployment.
 */
final class Wildcards {

  /** Requested names remembered with their groups; more are worked out per request instead, so clients cannot grow it. */
  private static final int CACHE_LIMIT = 1024;

  private record Entry(String pattern, Pattern regex, ModelGroup group, List<DeploymentConfig> configs,
      int literals, int stars, int order) {
  }

  private final List<Entry> entries;
  private final Map<String, ModelGroup> resolved = new ConcurrentHashMap<>();

  /** @param groups the groups whose model_name has a star, in config order, with each deployment's entry */
  Wildcards(List<ModelGroup> groups, Map<String, List<DeploymentConfig>> configs) {
    List<Entry> list = new ArrayList<>();
    for (ModelGroup group : groups) {
      String name = group.name();
      int stars = (int) name.chars().filter(c -> c == '*').count();
      list.add(new Entry(name, regex(name), group, configs.get(name), name.length() - stars, stars, list.size()));
    }
    list.sort(Comparator.comparingInt((Entry e) -> -e.literals()).thenComparingInt(Entry::stars)
        .thenComparingInt(Entry::order));
    this.entries = List.copyOf(list);
  }

  static boolean isPattern(String modelName) {
    return modelName.indexOf('*') >= 0;
  }

  boolean isEmpty() {
    return entries.isEmpty();
  }

  /** Some pattern matches {@code requested}, whether or not it could serve it. */
  boolean matches(String requested) {
    return entries.stream().anyMatch(entry -> entry.regex().matcher(requested).matches());
  }

  /** The group serving {@code requested} through the most specific matching pattern, or null. */
  ModelGroup resolve(String requested) {
    if (entries.isEmpty()) {
      return null;
    }
    ModelGroup group = resolved.get(requested);
    if (group != null) {
      return group;
    }
    for (Entry entry : entries) {
      Matcher match = entry.regex().matcher(requested);
      if (match.matches()) {
        group = substituted(entry, match);
        if (group != null) {
          if (resolved.size() < CACHE_LIMIT) {
            resolved.put(requested, group);
          }
          return group;
        }
      }
    }
    return null;
  }

  private static ModelGroup substituted(Entry entry, Matcher match) {
    List<Deployment> deployments = new ArrayList<>(entry.group().deployments().size());
    for (int i = 0; i < entry.group().deployments().size(); i++) {
      Deployment d = entry.group().deployments().get(i);
      DeploymentConfig config = entry.configs().get(i);
      Deployment concrete = concrete(d, config, fill(config.params().model(), match));
      if (concrete != null) {
        deployments.add(concrete);
      }
    }
    return deployments.isEmpty() ? null : new ModelGroup(entry.pattern(), deployments);
  }

  /** The configured model with each {@code *} replaced by the next captured part of the requested name. */
  private static String fill(String model, Matcher match) {
    StringBuilder out = new StringBuilder();
    int group = 1;
    for (int i = 0; i < model.length(); i++) {
      char c = model.charAt(i);
      if (c == '*') {
        out.append(group <= match.groupCount() ? match.group(group++) : match.group());
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  /** {@code d} calling {@code model} ({@code provider/model}); null when that names no provider this gateway knows. */
  private static Deployment concrete(Deployment d, DeploymentConfig config, String model) {
    if (model.isBlank() || Providers.unsupported(model) != null || model.endsWith("/")) {
      return null;
    }
    Providers.ProviderModel resolved = Providers.resolve(model, config.modelName());
    var apiBase = d.apiBase();
    if (resolved.provider() != d.provider()) {
      // A pass-through (*) to another provider: its own default address unless one is configured.
      if (resolved.provider().defaultApiBase() == null && !config.params().apiBase().isSet()) {
        return null;
      }
      apiBase = DeploymentBuilder.apiBase(config.params().apiBase(), resolved.provider(), config.modelName());
    }
    return new Deployment(d.id(), d.modelGroup(), resolved.provider(), resolved.upstreamModel(), apiBase, d.apiKey(),
        d.apiVersion(), d.weight(), d.timeoutMs(), d.streamTimeoutMs(), d.dropParams(), d.batch(), d.info(), d.rpm(),
        d.tpm(), d.maxParallelRequests(), d.order(), d.tags(), d.maxRetries(), d.azureAuth(),
        d.vertexAuth(), d.awsAuth());
  }

  private static Pattern regex(String pattern) {
    StringBuilder out = new StringBuilder();
    int start = 0;
    for (int star = pattern.indexOf('*'); star >= 0; star = pattern.indexOf('*', start)) {
      out.append(Pattern.quote(pattern.substring(start, star))).append("(.*)");
      start = star + 1;
    }
    return Pattern.compile(out.append(Pattern.quote(pattern.substring(start))).toString(), Pattern.DOTALL);
  }
}
