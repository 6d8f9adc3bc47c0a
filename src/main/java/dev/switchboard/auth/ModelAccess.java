package dev.switchboard.auth;

import dev.switchboard.model.VirtualKey;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * What a virtual key may use: what its own models, its team's, its team's organization's and its
 * user's all allow (each an empty list = no limit), with {@code all-team-models} standing for the
 * team's list.
 */
final class ModelAccess {

  static final String ALL_TEAM_MODELS = "all-team-models";

  private ModelAccess() {
  }

  /** @return the model names allowed, or null for every model */
  static Set<String> effective(VirtualKey key, Function<List<String>, Set<String>> grants) {
    List<String> own = key.models();
    if (own.contains(ALL_TEAM_MODELS)) {
      List<String> expanded = new ArrayList<>(own);
      expanded.remove(ALL_TEAM_MODELS);
      expanded.addAll(key.teamModels() == null ? List.of() : key.teamModels());
      // A key that asked for its team's models and has none gets none, not all.
      own = expanded.isEmpty() ? List.of("\u0000none") : expanded;
    }
    Set<String> allowed = grants.apply(own);
    allowed = intersect(allowed, key.teamModels() == null || key.teamModels().isEmpty() ? null : grants.apply(key.teamModels()));
    allowed = intersect(allowed, key.orgModels() == null || key.orgModels().isEmpty() ? null : grants.apply(key.orgModels()));
    return intersect(allowed, key.userModels() == null || key.userModels().isEmpty() ? null : grants.apply(key.userModels()));
  }

  private static Set<String> intersect(Set<String> a, Set<String> b) {
    if (a == null) {
      return b;
    }
    if (b == null) {
      return a;
    }
    Set<String> both = new HashSet<>(a);
    both.retainAll(b);
    return Set.copyOf(both);
  }
}
