package dev.switchboard.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Reads the top-level {@code guardrails:} list; what each guardrail's own settings mean is checked where it is built. */
final class GuardrailsReader {

  static final Set<String> MODES = Set.of("pre_call", "post_call", "during_call", "logging_only");

  private GuardrailsReader() {
  }

  static List<GuardrailConfig> read(YamlSection root) {
    List<Object> entries = root.list("guardrails");
    List<GuardrailConfig> out = new ArrayList<>();
    Set<String> names = new LinkedHashSet<>();
    for (int i = 0; i < entries.size(); i++) {
      YamlSection entry = root.child("guardrails[" + i + "]", entries.get(i));
      String name = entry.requiredString("guardrail_name");
      YamlSection params = entry.section("litellm_params");
      String guardrail = params.requiredString("guardrail");
      List<String> modes = params.stringList("mode");
      for (String mode : modes) {
        if (!MODES.contains(mode)) {
          params.problem("mode", params.path("mode") + " must be pre_call, post_call, during_call or logging_only, got '"
              + mode + "'");
        }
      }
      boolean defaultOn = params.bool("default_on", false);
      Map<String, Object> rest = new LinkedHashMap<>();
      for (String key : params.rawKeys()) {
        if (!Set.of("guardrail", "mode", "default_on").contains(key)) {
          Object value = params.raw(key);
          rest.put(key, value instanceof String ? params.envString(key).value() : value);
        }
      }
      if (name == null || guardrail == null) {
        continue;
      }
      if (!names.add(name)) {
        entry.problem("guardrail_name", "guardrail_name '" + name + "' is used twice; each guardrail needs its own name");
        continue;
      }
      out.add(new GuardrailConfig(name, guardrail, modes.isEmpty() ? List.of("pre_call") : modes, defaultOn,
          Collections.unmodifiableMap(rest)));
    }
    return List.copyOf(out);
  }
}
