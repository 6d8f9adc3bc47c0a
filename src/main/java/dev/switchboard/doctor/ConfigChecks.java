package dev.switchboard.doctor;

import dev.switchboard.config.BudgetPeriod;
import dev.switchboard.config.ConfigProblem;
import dev.switchboard.config.DeploymentConfig;
import dev.switchboard.config.GatewayConfig;
import dev.switchboard.config.StartupException;
import dev.switchboard.routing.DisabledDeployment;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The checks that need only the config: environment variables, the master key, model names and
 * aliases, fallbacks, access groups, budgets and limits. They read the raw YAML as well as the
 * loaded config, so they still find what they can when the config does not load.
 */
final class ConfigChecks {

  private static final String ENV_PREFIX = "os.environ/";
  private static final List<String> FALLBACK_KEYS =
      List.of("fallbacks", "context_window_fallbacks", "content_policy_fallbacks", "default_fallbacks");

  private ConfigChecks() {
  }

  /** Every {@code os.environ/NAME} in the file, with where it is used; unset ones FAIL. */
  static List<Check> environment(Map<?, ?> document, Function<String, String> env) {
    Map<String, String> uses = new TreeMap<>();
    collectEnv("", document, uses);
    Map<?, ?> declared = map(document.get("environment_variables"));
    List<Check> out = new ArrayList<>();
    uses.forEach((variable, where) -> {
      boolean set = declared.get(variable) != null || (env.apply(variable) != null && !env.apply(variable).isEmpty());
      if (!set) {
        out.add(Check.fail("env " + variable, "os.environ/" + variable + " is not set (used by " + where + ")",
            "export " + variable + "=... before starting, or add it under environment_variables"));
      }
    });
    if (out.isEmpty()) {
      out.add(Check.ok("env", uses.isEmpty() ? "no os.environ/ references"
          : "all " + uses.size() + " os.environ/ variables are set"));
    }
    return out;
  }

  private static void collectEnv(String path, Object node, Map<String, String> uses) {
    if (node instanceof Map<?, ?> map) {
      map.forEach((k, v) -> {
        if (!"environment_variables".equals(k)) {
          collectEnv(path.isEmpty() ? String.valueOf(k) : path + "." + k, v, uses);
        }
      });
    } else if (node instanceof List<?> list) {
      for (int i = 0; i < list.size(); i++) {
        collectEnv(path + "[" + i + "]", list.get(i), uses);
      }
    } else if (node instanceof String text && text.startsWith(ENV_PREFIX)) {
      uses.merge(text.substring(ENV_PREFIX.length()).trim(), path, (a, b) -> a + ", " + b);
    }
  }

  /** The master key: set, starting with sk-, long enough not to be guessed. */
  static Check masterKey(Map<?, ?> document, Function<String, String> env) {
    Object raw = map(document.get("general_settings")).get("master_key");
    if (raw == null) {
      return Check.warn("master_key", "no general_settings.master_key: the gateway is open to anyone who can reach it",
          "set general_settings.master_key to a long random value starting with sk- (e.g. os.environ/LITELLM_MASTER_KEY)");
    }
    String value = String.valueOf(raw);
    if (value.startsWith(ENV_PREFIX)) {
      value = env.apply(value.substring(ENV_PREFIX.length()).trim());
      if (value == null) {
        return Check.fail("master_key", "master_key refers to an unset environment variable",
            "export the variable named in general_settings.master_key");
      }
    }
    if (!value.startsWith("sk-")) {
      return Check.fail("master_key", "master_key does not start with sk- (LiteLLM and Switchboard refuse to start)",
          "use a value starting with sk-, e.g. sk-$(openssl rand -hex 24)");
    }
    if (value.length() < 20) {
      return Check.warn("master_key", "master_key is only " + value.length() + " characters: easy to guess",
          "use at least 32 random characters after sk-");
    }
    return Check.ok("master_key", "set, starts with sk-, " + value.length() + " characters");
  }

  /** Deployment ids unique; aliases pointing at existing model groups. */
  static List<Check> models(Map<?, ?> document, GatewayConfig config) {
    List<Check> out = new ArrayList<>();
    Set<String> groups = groups(config);
    Map<String, Integer> ids = new LinkedHashMap<>();
    for (DeploymentConfig deployment : config.modelList()) {
      if (deployment.info().id() != null) {
        ids.merge(deployment.info().id(), 1, Integer::sum);
      }
    }
    ids.forEach((id, count) -> {
      if (count > 1) {
        out.add(Check.fail("model_info.id " + id, count + " deployments share model_info.id '" + id + "'",
            "give each deployment its own model_info.id, or remove the ids (Switchboard derives stable ones)"));
      }
    });
    Map<String, Object> aliases = new LinkedHashMap<>();
    map(map(document.get("router_settings")).get("model_group_alias")).forEach((k, v) -> aliases.put(
        "router_settings.model_group_alias." + k, v instanceof Map<?, ?> m ? m.get("model") : v));
    map(map(document.get("litellm_settings")).get("model_alias_map")).forEach((k, v) -> aliases.put(
        "litellm_settings.model_alias_map." + k, v));
    aliases.forEach((where, target) -> {
      if (!groups.contains(String.valueOf(target))) {
        out.add(Check.fail("alias " + where.substring(where.lastIndexOf('.') + 1), where + " points at '" + target
            + "', which is no model_name in model_list", "use one of: " + String.join(", ", groups)));
      } else if (groups.contains(where.substring(where.lastIndexOf('.') + 1))) {
        out.add(Check.warn("alias " + where.substring(where.lastIndexOf('.') + 1), where
            + " has the name of a model_name in model_list: one of them is unreachable", "rename the alias"));
      }
    });
    if (config.modelList().isEmpty()) {
      out.add(Check.warn("models", "model_list is empty: every model call will answer 404",
          "add entries to model_list (model_name + litellm_params.model)"));
    } else if (out.isEmpty()) {
      out.add(Check.ok("models", groups.size() + " model names, " + config.modelList().size() + " deployments"
          + (aliases.isEmpty() ? "" : ", " + aliases.size() + " aliases") + ", names and aliases consistent"));
    }
    return out;
  }

  /** Every fallback list in router_settings or litellm_settings names existing model groups. */
  static List<Check> fallbacks(Map<?, ?> document, GatewayConfig config) {
    Set<String> groups = groups(config);
    List<Check> out = new ArrayList<>();
    int count = 0;
    for (String section : List.of("router_settings", "litellm_settings")) {
      for (String key : FALLBACK_KEYS) {
        Object raw = map(document.get(section)).get(key);
        String where = section + "." + key;
        if (raw == null) {
          continue;
        }
        List<String> problems = new ArrayList<>();
        if ("default_fallbacks".equals(key)) {
          for (Object target : list(raw)) {
            count++;
            missing(groups, String.valueOf(target), where, problems);
          }
        } else {
          for (Object entry : list(raw)) {
            map(entry).forEach((from, targets) -> {
              missing(groups, String.valueOf(from), where + " (key)", problems);
              for (Object target : list(targets)) {
                missing(groups, String.valueOf(target), where + "." + from, problems);
              }
            });
            count++;
          }
        }
        problems.forEach(p -> out.add(Check.fail("fallbacks", p,
            "fallbacks must name model_name values from model_list: " + String.join(", ", groups))));
      }
    }
    if (out.isEmpty()) {
      out.add(Check.ok("fallbacks", count == 0 ? "none configured" : count + " fallback entries, all groups exist"));
    }
    return out;
  }

  private static void missing(Set<String> groups, String name, String where, List<String> problems) {
    if (!groups.contains(name)) {
      problems.add("No fallback model group found: " + where + " names '" + name + "', which is not in model_list");
    }
  }

  /** Access groups named by model_info.access_groups must not shadow a model name. */
  static Check accessGroups(GatewayConfig config) {
    Set<String> groups = groups(config);
    Set<String> access = new LinkedHashSet<>();
    config.modelList().forEach(d -> access.addAll(d.info().accessGroups()));
    for (String name : access) {
      if (groups.contains(name)) {
        return Check.warn("access_groups", "access group '" + name + "' has the name of a model: a key granted '"
            + name + "' gets the whole group", "rename the access group");
      }
    }
    return Check.ok("access_groups", access.isEmpty() ? "none configured"
        : access.size() + " access groups: " + String.join(", ", access));
  }

  /** Budgets and limits that cannot work as written. */
  static List<Check> limits(GatewayConfig config) {
    List<Check> out = new ArrayList<>();
    for (int i = 0; i < config.modelList().size(); i++) {
      DeploymentConfig d = config.modelList().get(i);
      for (var limit : Map.of("rpm", nz(d.params().rpm()), "tpm", nz(d.params().tpm())).entrySet()) {
        if (limit.getValue() < 0 || (limit.getValue() == 0 && isSet(d, limit.getKey()))) {
          out.add(Check.fail("limits", "model_list[" + i + "].litellm_params." + limit.getKey() + " is "
              + limit.getValue() + ": no request can ever be sent to it", "set it to at least 1, or remove it"));
        }
      }
    }
    Double budget = config.spend().proxyMaxBudget();
    if (budget != null && budget <= 0) {
      out.add(Check.fail("budgets", "litellm_settings.max_budget is " + budget + ": every request is refused",
          "set a positive budget in USD, or remove max_budget"));
    }
    try {
      BudgetPeriod.parse(config.spend().proxyBudgetDuration());
    } catch (RuntimeException e) {
      out.add(Check.fail("budgets", "litellm_settings.budget_duration '" + config.spend().proxyBudgetDuration()
          + "' is not a duration", "use 30s, 1h, 1d, 7d, 1w or 1mo"));
    }
    double requestTimeout = config.litellm().requestTimeout();
    if (config.router().queueTimeoutSeconds() > requestTimeout) {
      out.add(Check.warn("limits", "router_settings.queue_timeout (" + config.router().queueTimeoutSeconds()
          + " s) is longer than litellm_settings.request_timeout (" + requestTimeout + " s)",
          "clients give up before a queued request is served or refused: lower queue_timeout"));
    }
    if (out.isEmpty()) {
      out.add(Check.ok("budgets and limits", "sane"));
    }
    return out;
  }

  private static boolean isSet(DeploymentConfig d, String key) {
    return "rpm".equals(key) ? d.params().rpm() != null : d.params().tpm() != null;
  }

  private static int nz(Integer value) {
    return value == null ? 1 : value;
  }

  static Set<String> groups(GatewayConfig config) {
    Set<String> groups = new LinkedHashSet<>();
    config.modelList().forEach(d -> groups.add(d.modelName()));
    return groups;
  }

  /** The config's one-line load error, as a check. */
  static Check loadFailure(StartupException e) {
    return Check.fail("config", e.getMessage(), "fix the file at the place named; the gateway would not start");
  }

  /** One problem of the config, as a check named by its setting. */
  static Check loadFailure(ConfigProblem problem) {
    return Check.fail(problem.path().isEmpty() ? "config" : "config " + problem.path(), problem.message(),
        "fix the file at the place named; the gateway would not start");
  }

  /** A deployment the gateway would keep out of routing (it starts, and serves the other models). */
  static Check disabled(DisabledDeployment deployment) {
    return Check.warn("deployment " + deployment.modelName() + " (disabled)", deployment.describe(),
        "use a supported provider prefix in " + deployment.setting() + ", or remove the entry; "
            + "until then calls to '" + deployment.modelName() + "' get a 400 and the other models serve");
  }

  static Map<?, ?> map(Object node) {
    return node instanceof Map<?, ?> m ? m : Map.of();
  }

  private static List<?> list(Object node) {
    return node instanceof List<?> l ? l : node == null ? List.of() : List.of(node);
  }
}
